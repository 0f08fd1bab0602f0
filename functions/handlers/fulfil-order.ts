/** PLACEHOLDER: replaced by the real fulfil-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('fulfil-order: not implemented yet');
};
