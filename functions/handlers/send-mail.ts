/** PLACEHOLDER: replaced by the real send-mail handler. */
export const handler = async (): Promise<never> => {
  throw new Error('send-mail: not implemented yet');
};
