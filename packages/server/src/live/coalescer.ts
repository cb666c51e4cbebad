/**
 * Rate limit per key with the latest value always delivered: the first value of a quiet key goes
 * out at once; values arriving within `intervalMs` of a delivery replace each other and the last one
 * goes out when the interval ends (trailing edge). So at most one delivery per key per interval, and
 * the final state is never lost.
 */

interface Entry<V> {
  /** The value waiting for the interval to end; undefined when none. */
  pending: V | undefined;
  timer: ReturnType<typeof setTimeout>;
}

/** Coalesces values by key. */
export class Coalescer<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(private readonly intervalMs: number, private readonly deliver: (value: V) => void) {}

  /** Delivers `value` now, or at the end of the key's current interval (replacing an older one). */
  push(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.pending = value;
      return;
    }
    this.deliver(value);
    this.entries.set(key, { pending: undefined, timer: this.arm(key) });
  }

  /** Drops everything pending and stops the timers. */
  clear(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }

  private arm(key: K): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const entry = this.entries.get(key);
      if (!entry) return;
      if (entry.pending === undefined) {
        this.entries.delete(key);
        return;
      }
      const value = entry.pending;
      entry.pending = undefined;
      entry.timer = this.arm(key);
      this.deliver(value);
    }, this.intervalMs);
    timer.unref();
    return timer;
  }
}
