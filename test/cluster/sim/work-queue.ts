// A keyed work queue for the simulated controllers: a key added many times before the next run is
// reconciled once (how client-go's workqueue coalesces), runs after `delayMs` (0: next tick), and a
// reconcile that throws is retried later instead of killing the test process.
export class WorkQueue {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Errors from reconciles (tests can assert there were none). */
  readonly errors: Array<{ key: string; error: unknown }> = [];

  constructor(
    private readonly reconcile: (key: string) => void,
    private readonly delayMs = 0,
    private readonly retryMs = 50,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.schedule(this.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => this.flush(), ms);
  }

  private flush(): void {
    this.timer = undefined;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) {
      try {
        this.reconcile(key);
      } catch (error) {
        this.errors.push({ key, error });
        this.dirty.add(key);
      }
    }
    if (this.dirty.size > 0) this.schedule(this.retryMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
