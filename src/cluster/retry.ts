// Retries for API calls: 429 (throttled, honouring Retry-After), 500/502/503/504 and dropped
// connections are transient on a busy API server; anything else is an answer and is returned.
import { KubeError } from '../host/kube-port.js';

export interface RetryOptions {
  retries: number;
  baseMs: number;
  maxMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const DEFAULT_RETRY: RetryOptions = { retries: 8, baseMs: 200, maxMs: 10_000, sleep: realSleep };

const TRANSIENT = new Set([429, 500, 502, 503, 504]);

export const isTransient = (err: unknown): boolean =>
  err instanceof KubeError && (err.status === 0 || TRANSIENT.has(err.status));

/** Exponential backoff (base·2^n, capped); Retry-After wins when the server sends one. */
export function backoffMs(attempt: number, opts: RetryOptions, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0)
    return Math.min(retryAfterSeconds * 1000, opts.maxMs);
  return Math.min(opts.baseMs * 2 ** attempt, opts.maxMs);
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= opts.retries) throw err;
      const retryAfter = err instanceof KubeError ? err.retryAfterSeconds : undefined;
      await opts.sleep(backoffMs(attempt, opts, retryAfter));
    }
  }
}
