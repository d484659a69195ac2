// Child process for the lock race: takes the transaction lock of ROOT's state dir (nodeFs) when it
// reads "go" on stdin, prints LOCKED (then holds it until stdin closes or it is killed) or HELD.
// Usage (bundled by lock-race.test.ts): node lock-child.mjs ROOT
import { nodeFs } from '../../src/host/node-fs.js';
import { processProbe } from '../../src/host/process-probe.js';
import { acquireLock, releaseLock } from '../../src/transaction/lock.js';

const [root] = process.argv.slice(2);
if (!root) throw new Error('usage: lock-child ROOT');
const fs = nodeFs({ root });
process.stdout.write('READY\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const r = await acquireLock(fs, '/var/lib/mirrorctl', processProbe(), new Date());
if (!r.ok) {
  process.stdout.write(`HELD ${r.diagnostic.message}\n`);
  process.exit(0);
}
process.stdout.write(`LOCKED ${JSON.stringify(r.lock.tookOverFrom ?? null)}\n`);
process.stdin.once('end', async () => {
  await releaseLock(fs, r.lock);
  process.exit(0);
});
process.stdin.resume();
