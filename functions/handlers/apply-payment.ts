/** PLACEHOLDER: replaced by the real apply-payment handler. */
export const handler = async (): Promise<never> => {
  throw new Error('apply-payment: not implemented yet');
};
