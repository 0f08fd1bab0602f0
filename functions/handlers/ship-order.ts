/** PLACEHOLDER: replaced by the real ship-order handler. */
export const handler = async (): Promise<never> => {
  throw new Error('ship-order: not implemented yet');
};
