/** PLACEHOLDER: replaced by the real confirm-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('confirm-order: not implemented yet');
};
