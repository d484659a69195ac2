// The shipped agent: scripts/build-agent.mjs builds it (≤ 1 MiB, self-extracting), and the real file
// runs the real node entry point (src/node/reconcile.ts) in a child process against a temp root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastResultLine } from '../../src/cluster/agent-protocol.js';
import { specRevision } from '../../src/cluster/names.js';
import { SPEC } from './harness.js';

describe('agent bundle', () => {
  it('builds under the ConfigMap budget and plans a node, waiting for its restart wave', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-bundle-'));
    const outfile = join(dir, 'agent.mjs');
    const script = new URL('../../scripts/build-agent.mjs', import.meta.url).href;
    const { buildAgentBundle, MAX_BUNDLE_BYTES } = (await import(script)) as {
      buildAgentBundle: (o: string) => Promise<{ size: number }>;
      MAX_BUNDLE_BYTES: number;
    };
    const { size } = await buildAgentBundle(outfile);
    expect(size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    expect(statSync(outfile).size).toBe(size);

    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(dir, 'config', 'mirrors.yaml'), SPEC);
    const control = { revision: specRevision(SPEC), mode: 'apply', allow: '*', restart: [] };
    writeFileSync(join(dir, 'config', 'control.json'), JSON.stringify(control));
    const args = ['agent', '--once', '--node', 'n1', '--spec', join(dir, 'config', 'mirrors.yaml')];
    const out = execFileSync(
      process.execPath,
      [outfile, ...args, '--root', join(dir, 'root'), '--result-file', join(dir, 'result.json')],
      { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } },
    );
    const r = lastResultLine(out);
    // An empty root: config.toml must gain config_path, which needs a restart → wait for a wave.
    expect(r?.status).toBe('pending-restart');
    expect(r?.action).toBe('restart');
    expect(r?.revision).toBe(control.revision);
    expect(lastResultLine(readFileSync(join(dir, 'result.json'), 'utf8'))?.ready).toBe(true);
  });
});
