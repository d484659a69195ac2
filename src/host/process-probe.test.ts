import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { processProbe, readStartTime } from './process-probe.js';

test('this process is alive; a recycled pid (other start time) and an exited child are not', () => {
  const probe = processProbe();
  const self = probe.self();
  expect(self.pid).toBe(process.pid);
  expect(self.startTime).toMatch(/^\d+$/);
  expect(probe.isAlive(self)).toBe(true);
  expect(probe.isAlive({ ...self, startTime: `${Number(self.startTime) + 1}` })).toBe(false);
  const child = spawnSync('true');
  expect(child.pid).toBeGreaterThan(0);
  expect(probe.isAlive({ pid: child.pid ?? 0, startTime: readStartTime(child.pid ?? 0) ?? '1' })).toBe(false);
});
