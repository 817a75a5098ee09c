/**
 * Runs work for one key one call at a time, in call order, and work for different keys concurrently. Stores that
 * update one document from several places at once need it on FerretDB 1.x, whose update reads the document, applies
 * the operators and writes the whole document back without a lock: two updates of one document at once lose one of
 * them, whatever their filters (a version check included). Within a replica this keeps them apart; a failed call
 * does not stop the next.
 */
export function oneAtATime() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
