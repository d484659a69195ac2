import { defineConfig } from 'vitest/config';

// Three projects:
// - `unit`: pure and temp-dir tests (in-memory and temp-dir hosts, real docker-registry on loopback).
// - `integration`: the README's commands verbatim (npm ci + demo in a fresh copy) and `npm pack` into a
//   temp prefix; slow, and they need the npm registry, so they run outside the e2e network namespace.
// - `e2e`: real runtimes (containerd, docker-registry, skopeo, podman, dockerd); root, Debian packages,
//   run by scripts/run-e2e.sh inside `unshare --net --mount`.
const INTEGRATION = ['test/readme/readme.test.ts', 'test/package/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**', ...INTEGRATION],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: INTEGRATION,
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
