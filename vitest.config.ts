import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast (in-memory and temp-dir hosts); `e2e` starts real runtimes
// (containerd, docker-registry, skopeo, podman, dockerd) and needs root plus the Debian packages.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          testTimeout: 60_000,
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
