/** PLACEHOLDER: replaced by the real reject-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('reject-order: not implemented yet');
};
