// observeHost over nodeFs on a temp-dir tree: what it reads, what it refuses (symlinks out of the root),
// and how it runs (or skips) the version commands.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectRuntime } from '../detect/detect.js';
import { DEFAULT_PATHS } from '../formats/node-paths.js';
import { nodeFs } from '../host/node-fs.js';
import { type Host, silentLogger } from '../host/ports.js';
import { parseCommandsFile, scriptedRunner } from '../host/scripted-runner.js';
import { observeHost } from './observe-host.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mirrorctl-observe-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const put = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const hostWith = (run = scriptedRunner([])): Host => ({
  fs: nodeFs({ root }),
  run,
  log: silentLogger,
  now: () => new Date(0),
});

describe('observeHost', () => {
  it('reports a config.toml that is a symlink out of the root instead of reading it', async () => {
    put('/secret', 'not for us');
    mkdirSync(join(root, 'etc/containerd'), { recursive: true });
    symlinkSync('../../../../../../../../secret', join(root, 'etc/containerd/config.toml'));
    const facts = await observeHost(hostWith(), DEFAULT_PATHS);
    expect(facts.files['/etc/containerd/config.toml']).toBeUndefined();
    expect(facts.present['/etc/containerd/config.toml']).toBe('symlink');
    expect(facts.diagnostics).toMatchObject([
      {
        code: 'host.fs.escape',
        file: '/etc/containerd/config.toml',
        hint: expect.stringContaining('symlink'),
      },
    ]);
  });

  it('follows a symlink that stays inside the root', async () => {
    put('/opt/containerd/config.toml', 'version = 2\n');
    mkdirSync(join(root, 'etc/containerd'), { recursive: true });
    symlinkSync('/opt/containerd/config.toml', join(root, 'etc/containerd/config.toml'));
    const facts = await observeHost(hostWith(), DEFAULT_PATHS);
    expect(facts.files['/etc/containerd/config.toml']).toBe('version = 2\n');
    expect(facts.diagnostics).toEqual([]);
  });

  it('says so when a config path is a directory', async () => {
    mkdirSync(join(root, 'etc/docker/daemon.json'), { recursive: true });
    const facts = await observeHost(hostWith(), DEFAULT_PATHS);
    expect(facts.diagnostics).toMatchObject([
      { code: 'host.observe.not-a-file', file: '/etc/docker/daemon.json' },
    ]);
  });

  it('tries an explicit --containerd-bin first and tolerates missing binaries', async () => {
    const run = scriptedRunner([
      {
        argv: ['/opt/bin/containerd', '--version'],
        stdout: 'containerd github.com/containerd/containerd v1.7.24 x\n',
      },
    ]);
    const facts = await observeHost(hostWith(run), DEFAULT_PATHS, {
      bins: { containerd: '/opt/bin/containerd' },
    });
    expect(facts.commands.containerd?.argv).toEqual(['/opt/bin/containerd', '--version']);
    expect(facts.commands.crio).toBeUndefined();
    expect(run.calls).toContainEqual(['crio', '--version']);
    expect(run.calls).not.toContainEqual(['containerd', '--version']);
    expect(detectRuntime(facts, DEFAULT_PATHS).version).toBe('1.7.24');
  });

  it('goes on without a version when the Runner throws', async () => {
    const throwing: Host['run'] = async () => {
      throw new Error('adapter bug');
    };
    put('/etc/containerd/config.toml', 'version = 2\n');
    const facts = await observeHost({ ...hostWith(), run: throwing }, DEFAULT_PATHS);
    expect(facts.commands).toEqual({});
    expect(detectRuntime(facts, DEFAULT_PATHS).runtime).toBe('containerd');
  });

  it('runs nothing with runCommands: false', async () => {
    const run = scriptedRunner([]);
    await observeHost(hostWith(run), DEFAULT_PATHS, { runCommands: false });
    expect(run.calls).toEqual([]);
  });

  it('lists registries.conf.d and certs.d', async () => {
    put('/etc/containers/registries.conf.d/50-mirrorctl.conf', '');
    put('/etc/containerd/certs.d/docker.io/hosts.toml', '');
    const facts = await observeHost(hostWith(), DEFAULT_PATHS);
    expect(facts.dirs).toEqual({
      '/etc/containerd/certs.d': ['docker.io'],
      '/etc/containers/registries.conf.d': ['50-mirrorctl.conf'],
    });
  });
});

describe('parseCommandsFile', () => {
  it('names the bad field', () => {
    const r = parseCommandsFile('{"commands":[{"argv":[],"stdout":1}]}', 'commands.json');
    expect(r.diagnostics.map((d) => d.field).sort()).toEqual(['commands.0.argv', 'commands.0.stdout']);
    expect(parseCommandsFile('nope', 'c.json').diagnostics[0]).toMatchObject({
      code: 'commands.syntax',
      file: 'c.json',
    });
  });
});
