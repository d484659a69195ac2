import { describe, expect, test } from 'vitest';
import { buildPlan } from './build.js';
import { formatPlanDiff } from './diff.js';
import { redactPlan, restorePlan } from './redact.js';

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

// Host files a plan edits keep their credentials; output masks each value (issue 15.14).
const CONFIG = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = ""
  [plugins."io.containerd.grpc.v1.cri".registry.configs."r.example".auth]
    username = "svc"
    password = "pa\\"ss-1"
    auth = 'b64-literal'
    identitytoken = """multi-basic"""
  [plugins."io.containerd.grpc.v1.cri".registry.auths]
    "https://gcr.io" = { password = "inline-pass" }
  [plugins."io.containerd.grpc.v1.cri".registry.headers]
    X-Token = ["hdr-1", "hdr-2"]
[proxy]
  url = "http://user:url-pass@proxy:3128"
`;
const VALUES = ['ss-1', 'b64-literal', 'multi-basic', 'inline-pass', 'hdr-1', 'hdr-2', 'url-pass'];
const edit = (before: string, after: string, path = '/etc/containerd/config.toml') =>
  buildPlan({
    specHash: 'h',
    specName: 'n',
    target: 'containerd',
    runtime: { name: 'containerd' },
    service: 'containerd',
    files: [],
    ownedNeeds: 'none',
    edits: [{ path, after, mode: 0o644, reason: 'config_path', needs: 'restart' }],
    observed: new Map([[path, before]]),
    managedOnHost: [],
    takeOver: false,
    diagnostics: [],
  });

describe('secret values in host files', () => {
  const after = CONFIG.replace('config_path = ""', 'config_path = "/etc/containerd/certs.d"');
  const plan = edit(CONFIG, after);

  test('every kind is masked in the JSON plan and the diff; the rest is kept', () => {
    const json = JSON.stringify(redactPlan(plan));
    const diff = formatPlanDiff(plan, { color: false });
    for (const v of VALUES) {
      expect(json).not.toContain(v);
      expect(diff).not.toContain(v);
    }
    expect(json).toContain('username = \\"svc\\"');
    expect(json).toContain('url = \\"http://user:<redacted:');
    expect(diff).toContain('+  config_path = "/etc/containerd/certs.d"');
  });

  test('restorePlan puts back exactly the planned content from the same file', () => {
    const r = restorePlan(redactPlan(plan), new Map([['/etc/containerd/config.toml', CONFIG]]));
    expect(r.diagnostics).toEqual([]);
    expect(r.plan?.changes[0]).toMatchObject({ kind: 'update', content: after, before: CONFIG });
  });

  test('restorePlan refuses a file that changed since the plan', () => {
    const r = restorePlan(
      redactPlan(plan),
      new Map([['/etc/containerd/config.toml', CONFIG.replace('inline-pass', 'rotated')]]),
    );
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics[0]?.code).toBe('plan.file.drift');
  });

  test('a secret spelled in a way it cannot be located hides the whole file', () => {
    const odd = 'version = 2\n[a]\n  password = "p\\u0041ss-escaped"\n';
    const p = edit(odd, `${odd}[b]\n`);
    const json = JSON.stringify(redactPlan(p));
    expect(json).not.toContain('ss-escaped');
    expect(json).toContain('<redacted: secret, sha256:');
    expect(formatPlanDiff(p, { color: false })).toContain('(contents not shown: secret)');
  });

  test('daemon.json: credential keys and proxy URL passwords', () => {
    const before = `${JSON.stringify({ proxies: { 'http-proxy': 'http://u:proxy-pw@p:1' }, x: { password: 'json-pw' } }, null, 2)}\n`;
    const p = edit(
      before,
      before.replace('{', '{\n  "registry-mirrors": ["https://m"],'),
      '/etc/docker/daemon.json',
    );
    const json = JSON.stringify(redactPlan(p));
    expect(json).not.toContain('proxy-pw');
    expect(json).not.toContain('json-pw');
    const back = restorePlan(redactPlan(p), new Map([['/etc/docker/daemon.json', before]]));
    expect(back.plan?.changes[0]).toMatchObject({ content: (p.changes[0] as { content: string }).content });
  });
});
