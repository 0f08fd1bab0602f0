/** PLACEHOLDER: replaced by the real plan-dunning handler. */
export const handler = async (): Promise<never> => {
  throw new Error('plan-dunning: not implemented yet');
};
