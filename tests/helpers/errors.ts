/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(p: Promise<unknown> | (() => Promise<unknown>)): Promise<Error & { code?: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
