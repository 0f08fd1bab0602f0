/** PLACEHOLDER: replaced by the real send-reminder handler. */
export const handler = async (): Promise<never> => {
  throw new Error('send-reminder: not implemented yet');
};
