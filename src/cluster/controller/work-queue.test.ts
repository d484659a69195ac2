import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('a key waits once however often added, is never handled twice at once, and comes back if added meanwhile', async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    let running = 0;
    let maxSame = 0;
    const stop = new AbortController();
    const done = q.run(
      3,
      async (k) => {
        running++;
        maxSame = Math.max(maxSame, running);
        seen.push(k);
        if (seen.length === 1) q.add('a'); // added while being handled
        await tick(20);
        running--;
      },
      stop.signal,
    );
    q.add('a');
    q.add('a');
    q.add('a');
    await tick(100);
    stop.abort();
    await done;
    expect(seen).toEqual(['a', 'a']);
    expect(maxSame).toBe(1);
  });

  it('rate-limited retries back off per key and reset on forget', () => {
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1_000 });
    expect([1, 2, 3, 4, 5].map(() => q.addRateLimited('k'))).toEqual([100, 200, 400, 800, 1_000]);
    q.forget('k');
    expect(q.addRateLimited('k')).toBe(100);
    q.shutDown();
  });

  it('addAfter brings a key back later; an earlier pending time wins', async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    const stop = new AbortController();
    const done = q.run(
      1,
      async (k) => {
        seen.push(k);
      },
      stop.signal,
    );
    q.addAfter('x', 200);
    q.addAfter('x', 30);
    await tick(80);
    expect(seen).toEqual(['x']);
    await tick(200);
    expect(seen).toEqual(['x']);
    stop.abort();
    await done;
    q.shutDown();
  });
});
