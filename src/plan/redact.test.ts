import { expect, test } from 'vitest';
import { buildPlan } from './build.js';
import { redactPlan } from './redact.js';

test('secret contents never reach the JSON plan; other files are untouched', () => {
  const plan = buildPlan({
    specHash: 'h',
    specName: 'n',
    target: 'containerd',
    runtime: { name: 'containerd' },
    service: 'containerd',
    files: [
      {
        path: '/etc/containerd/certs.d/r/client.key',
        content: 'PRIVATE KEY BYTES',
        mode: 0o600,
        secret: true,
      },
      { path: '/etc/containerd/certs.d/r/hosts.toml', content: 'server = "https://r"\n', mode: 0o644 },
    ],
    ownedNeeds: 'none',
    edits: [],
    observed: new Map(),
    managedOnHost: [],
    takeOver: false,
    diagnostics: [],
  });
  const json = JSON.stringify(redactPlan(plan));
  expect(json).not.toContain('PRIVATE KEY BYTES');
  expect(json).toContain('<redacted: secret, sha256:');
  expect(json).toContain('server = \\"https://r\\"');
});
