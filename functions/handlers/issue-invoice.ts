/** PLACEHOLDER: replaced by the real issue-invoice handler. */
export const handler = async (): Promise<never> => {
  throw new Error('issue-invoice: not implemented yet');
};
