/**
 * Signals bound for the other thread, sent as one message per turn of the event loop: a chain's
 * steps each announce a change, and a message per announcement cost both threads a structured
 * clone and a wake-up (postMessage was ~2% of each thread's CPU at 190 executions/s). A signal
 * repeated within the turn is sent once (the order of first appearance is kept); the delay is one
 * setImmediate, well under a millisecond.
 */
export function signalBatcher(send: (items: string[]) => void): (item: string) => void {
  let pending: Set<string> | null = null;
  const flush = () => {
    const items = [...pending!];
    pending = null;
    send(items);
  };
  return (item: string) => {
    if (pending === null) {
      pending = new Set();
      setImmediate(flush);
    }
    pending.add(item);
  };
}
