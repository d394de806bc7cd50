/**
 * The moments this process knows timers fall due (waits, approval timeouts: bus `timerAt`), so the
 * engine sleeps exactly until the next one and sweeps then. A min-heap: many executions waiting at
 * once each get their timer fired on time, not at the next 250 ms sweep. Bounded: past `limit`
 * moments a new one is not kept, and that timer is fired by the periodic sweep instead (the
 * database is the source of truth; this only says when to look).
 */
export class DueTimes {
  private readonly heap: number[] = [];

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.heap.length;
  }

  /** The earliest moment known, or null. */
  next(): number | null {
    return this.heap.length > 0 ? this.heap[0]! : null;
  }

  add(dueAt: number): void {
    if (this.heap.length >= this.limit) return;
    const heap = this.heap;
    heap.push(dueAt);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes every moment at or before `now`; true when there was one. */
  takeDue(now: number): boolean {
    let took = false;
    while (this.heap.length > 0 && this.heap[0]! <= now) {
      this.pop();
      took = true;
    }
    return took;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]! < heap[smallest]!) smallest = left;
      if (right < heap.length && heap[right]! < heap[smallest]!) smallest = right;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
}
