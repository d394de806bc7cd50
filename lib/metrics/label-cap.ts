/** The label value every value past the cap is counted under. */
export const OTHER_LABEL = "_other";

/**
 * Bounds the distinct values of one label whose values users choose (workflow names, worker task
 * types): the first `max` distinct values this process sees keep their own value, every later one
 * is counted as "_other". Prometheus keeps one series per label combination, so an unbounded label
 * (a workflow per customer, generated names) would grow its memory and every query without end.
 *
 * First come, first kept (not the busiest): a value never moves between its own series and
 * "_other", so a counter's rate stays meaningful. The set lives as long as the process.
 */
export class LabelCap {
  private readonly kept = new Set<string>();

  constructor(readonly max: number) {}

  value(raw: string): string {
    if (this.kept.has(raw)) return raw;
    if (this.kept.size >= this.max) return OTHER_LABEL;
    this.kept.add(raw);
    return raw;
  }

  get size(): number {
    return this.kept.size;
  }
}
