/** PLACEHOLDER: replaced by the real intake handler. */
export const handler = async (): Promise<never> => {
  throw new Error('intake: not implemented yet');
};
