/** PLACEHOLDER: replaced by the real request-credit-review handler. */
export const handler = async (): Promise<never> => {
  throw new Error('request-credit-review: not implemented yet');
};
