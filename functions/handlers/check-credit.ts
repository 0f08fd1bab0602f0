/** PLACEHOLDER: replaced by the real check-credit handler. */
export const handler = async (): Promise<never> => {
  throw new Error('check-credit: not implemented yet');
};
