/** PLACEHOLDER: replaced by the real fulfilment-callback handler. */
export const handler = async (): Promise<never> => {
  throw new Error('fulfilment-callback: not implemented yet');
};
