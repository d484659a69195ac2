import { defineConfig } from 'vitest/config';

// Three projects:
// - `unit`: pure and temp-dir tests (in-memory and temp-dir hosts, real docker-registry on loopback).
// - `integration`: the README's commands verbatim (npm ci + demo in a fresh copy) and `npm pack` into a
//   temp prefix; slow, and they need the npm registry, so they run outside the e2e network namespace.
// - `e2e`: real runtimes (containerd, docker-registry, skopeo, podman, dockerd); root, Debian packages,
//   run by scripts/run-e2e.sh inside `unshare --net --mount`.
// - `cluster`: cluster mode with real processes — the controller and node agents (the shipped bundle) on
//   simulated nodes with real containerd, and the pods as real containers (podman kube play); root,
//   run by scripts/run-cluster-tests.sh inside `unshare --net --mount` (test/cluster-e2e/README.md).
const INTEGRATION = ['test/readme/readme.test.ts', 'test/package/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/cluster-e2e/**', 'node_modules/**', ...INTEGRATION],
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
      {
        test: {
          name: 'cluster',
          include: ['test/cluster-e2e/**/*.test.ts'],
          // Builds the CLI bundle once per run (never a stale dist/); files hand it to the pods.
          globalSetup: ['test/cluster-e2e/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
