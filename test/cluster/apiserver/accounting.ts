// Request accounting: every HTTP request counted per verb and resource (benchmarks divide by node
// count), an optional full request log, and a log of writes with who made them — tests assert on it
// ("no DELETE of a namespace mirrorctl did not create"). Simulator writes are logged as source 'sim'.
import type { RequestInfo } from './faults.js';

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
  user: string;
}

export interface WriteRecord {
  verb: string;
  resource: string;
  namespace?: string;
  name: string;
  user: string;
  status: number;
  source: 'http' | 'sim';
  /** resourceVersion after the write (undefined when it failed or was a dry run). */
  resourceVersion?: string;
  dryRun: boolean;
  at: number;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export class Accounting {
  /** Every request (kept unless `keepLog` is false: a 5,000-node benchmark only needs the counts). */
  readonly requests: RequestRecord[] = [];
  readonly writes: WriteRecord[] = [];
  private readonly counts = new Map<string, number>();
  private total = 0;
  private readonly started = performance.now();

  constructor(public keepLog = true) {}

  request(r: RequestRecord): void {
    this.total++;
    const k = `${r.verb} ${r.resource}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    if (this.keepLog) this.requests.push(r);
  }

  write(info: RequestInfo, w: Omit<WriteRecord, 'verb' | 'resource' | 'namespace' | 'name' | 'at'>): void {
    if (!WRITE_VERBS.has(info.verb)) return;
    this.writes.push({
      verb: info.verb,
      resource: info.resource,
      ...(info.namespace ? { namespace: info.namespace } : {}),
      name: info.name ?? '',
      at: Date.now(),
      ...w,
    });
  }

  /** Requests counted so far, optionally for one verb and/or resource (`get`, `mirrornodes/status`). */
  count(verb?: string, resource?: string): number {
    if (verb === undefined && resource === undefined) return this.total;
    let n = 0;
    for (const [k, c] of this.counts) {
      const [v, r] = k.split(' ');
      if ((verb === undefined || v === verb) && (resource === undefined || r === resource)) n += c;
    }
    return n;
  }

  /** `{ 'get nodes': 3, 'update mirrornodes/status': 5000, … }` */
  byVerbAndResource(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Requests per second since the server started. */
  rate(): number {
    return this.total / ((performance.now() - this.started) / 1000);
  }

  reset(): void {
    this.requests.length = 0;
    this.writes.length = 0;
    this.counts.clear();
    this.total = 0;
  }
}
