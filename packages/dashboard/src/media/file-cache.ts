/**
 * Run files fetched for media panels, kept by (run, path). Media paths are content-addressed (W&B
 * names them after the file's hash), so a kept file never goes stale: moving a step slider back
 * and forth fetches each image once. Blobs are kept, not object URLs: each element makes its own
 * URL from the blob and revokes it when it shows another file or unmounts. Least recently used
 * files go first once the kept bytes pass the budget; a failed fetch is not kept (the file may
 * not be uploaded yet: asking again retries).
 */

interface Entry {
  promise: Promise<Blob>;
  bytes: number;
}

/** An LRU of file blobs bounded by their total size. */
export class FileCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = 96 * 1024 * 1024) {}

  /** The blob kept as `id` (a run and a path), fetched with `load` when not kept. */
  get(id: string, load: () => Promise<Blob>): Promise<Blob> {
    const hit = this.entries.get(id);
    if (hit) {
      // Most recently used last (Map keeps insertion order).
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.promise;
    }
    const entry: Entry = { promise: load(), bytes: 0 };
    this.entries.set(id, entry);
    entry.promise.then(
      (blob) => {
        if (this.entries.get(id) !== entry) return;
        entry.bytes = blob.size;
        this.bytes += blob.size;
        this.evict(id);
      },
      () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    );
    return entry.promise;
  }

  /** Bytes of the blobs kept. */
  get size(): number {
    return this.bytes;
  }

  /** Drops the least recently used blobs (never `keep`, the one just fetched) until within budget. */
  private evict(keep: string): void {
    for (const [id, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (id === keep) continue;
      this.entries.delete(id);
      this.bytes -= entry.bytes;
    }
  }
}
