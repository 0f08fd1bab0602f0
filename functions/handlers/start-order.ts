/** PLACEHOLDER: replaced by the real start-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('start-order: not implemented yet');
};
