import { expect, test } from 'vitest';
import { processProbe } from './process-probe.js';

test('self: this pid and its start time (clock ticks since boot)', () => {
  const self = processProbe().self();
  expect(self.pid).toBe(process.pid);
  expect(self.startTime).toMatch(/^\d+$/);
});
