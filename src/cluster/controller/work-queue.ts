// A keyed work queue as client-go's workqueue gives controllers: a key waits at most once however
// often it is added, is never handled by two workers at once (added while being handled: handled
// again after), and a failed key comes back after a per-key exponential backoff (rate-limited
// retries) until it succeeds. addAfter brings a key back at a time (soak ends, retry backoffs).

export interface WorkQueueOptions {
  /** First retry delay after a failure (doubles per consecutive failure). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export type Handler = (key: string) => Promise<void>;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private waiters: Array<() => void> = [];
  private closed = false;
  private readonly base: number;
  private readonly max: number;

  constructor(o: WorkQueueOptions = {}) {
    this.base = o.baseDelayMs ?? 100;
    this.max = o.maxDelayMs ?? 60_000;
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Adds the key after `ms` (an earlier pending addAfter of the key wins). */
  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** After a failure: back after base·2^(failures-1), capped. */
  addRateLimited(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = Math.min(this.base * 2 ** (n - 1), this.max);
    this.addAfter(key, delay);
    return delay;
  }

  /** A success: the next failure starts from the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  private async next(stop: AbortSignal): Promise<string | undefined> {
    while (!this.closed && !stop.aborted && this.queue.length === 0)
      await new Promise<void>((r) => this.waiters.push(r));
    if (this.closed || stop.aborted) return undefined;
    const key = this.queue.shift() as string;
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Runs `workers` loops until shutdown; the handler decides retries (addRateLimited/forget). */
  async run(workers: number, handle: Handler, stop: AbortSignal): Promise<void> {
    const onAbort = () => {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    };
    stop.addEventListener('abort', onAbort);
    const loop = async () => {
      while (!stop.aborted) {
        const key = await this.next(stop);
        if (key === undefined) return;
        try {
          await handle(key);
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
    stop.removeEventListener('abort', onAbort);
  }

  shutDown(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
