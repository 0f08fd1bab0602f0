/** PLACEHOLDER: replaced by the real decide-credit handler. */
export const handler = async (): Promise<never> => {
  throw new Error('decide-credit: not implemented yet');
};
