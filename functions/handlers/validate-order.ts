/** PLACEHOLDER: replaced by the real validate-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('validate-order: not implemented yet');
};
