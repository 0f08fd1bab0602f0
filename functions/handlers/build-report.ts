/** PLACEHOLDER: replaced by the real build-report handler. */
export const handler = async (): Promise<never> => {
  throw new Error('build-report: not implemented yet');
};
