/** Construct ids from o2c's kebab-case names: `start-order` → `StartOrder`, `credit-review` → `CreditReview`. */
export function pascalCase(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
