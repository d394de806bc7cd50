/**
 * A least-recently-used cache bounded in entries and, optionally, in total weight (e.g. the
 * characters of the text an entry was made from). `get` makes an entry the most recent; `set`
 * evicts the least recent ones until both bounds hold. An entry heavier than the whole weight
 * bound is not kept at all (it would evict everything else). Built on Map's insertion order, so
 * get, set and eviction are O(1).
 */
import { SettingError } from "./setting-error";

export type LruOptions<K, V> = {
  /** Most entries kept (≥ 1). */
  maxEntries: number;
  /** Most total weight kept. @default Infinity */
  maxWeight?: number;
  /** An entry's weight. @default 1 */
  weigh?: (value: V, key: K) => number;
  /** Called with an entry the bounds pushed out (not with one deleted or replaced by the caller). */
  onEvict?: (value: V, key: K) => void;
};

export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;
  readonly maxEntries: number;
  readonly maxWeight: number;
  private readonly weigh: (value: V, key: K) => number;
  private readonly onEvict?: (value: V, key: K) => void;

  constructor(options: LruOptions<K, V>) {
    if (!(options.maxEntries >= 1)) throw new Error(`an LRU cache needs maxEntries ≥ 1; got ${options.maxEntries}`);
    this.maxEntries = Math.floor(options.maxEntries);
    this.maxWeight = options.maxWeight ?? Infinity;
    this.weigh = options.weigh ?? (() => 1);
    this.onEvict = options.onEvict;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The total weight of the entries kept. */
  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Without making it the most recent. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    this.delete(key);
    const weight = Math.max(0, this.weigh(value, key));
    if (weight > this.maxWeight) return this;
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    while (this.entries.size > this.maxEntries || this.totalWeight > this.maxWeight) {
      const oldest = this.entries.keys().next().value as K;
      const evicted = this.entries.get(oldest)!.value;
      this.delete(oldest);
      this.onEvict?.(evicted, oldest);
    }
    return this;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  /** Keys from the least to the most recently used. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}

/**
 * A cache bound read from the environment: a positive integer, else `fallback`. A value that is
 * not one is refused with an error naming the variable (a typo must not silently unbound a cache).
 */
export function boundFromEnv(name: string, fallback: number, env: Readonly<Record<string, string | undefined>> = processEnv()): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new SettingError(`${name} must be a positive integer; got '${raw}'`);
  return value;
}

/** The environment, or none in a browser (lib/workflow runs in the designer too). */
function processEnv(): Readonly<Record<string, string | undefined>> {
  return typeof process === "undefined" ? {} : (process.env ?? {});
}
