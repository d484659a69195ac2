// The hostile host trees (one function each turns a copied fixture root hostile) and the file each
// refusal must name. Shared by hostile-host.test.ts and the docs/reliability.md count check.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TempNode } from './tree.js';

export interface HostileCase {
  name: string;
  fixture: string;
  runtime: string;
  version: string;
  /** Node path named in the refusal. */
  file: string;
  /** Makes the tree hostile. */
  make: (n: TempNode) => void;
}

const CONFIG = 'etc/containerd/config.toml';
const REGISTRIES = 'etc/containers/registries.conf';
const DAEMON = 'etc/docker/daemon.json';
const at = (n: TempNode, rel: string): string => join(n.root, rel);
const put = (rel: string, data: string | Uint8Array) => (n: TempNode) => writeFileSync(at(n, rel), data);
const link = (rel: string, target: (n: TempNode) => string) => (n: TempNode) => {
  rmSync(at(n, rel), { recursive: true, force: true });
  mkdirSync(join(at(n, rel), '..'), { recursive: true });
  symlinkSync(target(n), at(n, rel));
};
/** A node's /etc/shadow (inside the root, as on a real node) and `rel` linked to it. */
const SHADOW_HASH = '$6$rounds=5000$saltsalt$HASHHASHHASH';
const shadowLink = (rel: string) => (n: TempNode) => {
  writeFileSync(at(n, 'etc/shadow'), `root:${SHADOW_HASH}:19000:0:99999:7:::\n`, { mode: 0o640 });
  link(rel, () => '/etc/shadow')(n);
};
const FOUR_MIB = 4 * 1024 * 1024;
const containerd = { fixture: 'debian12-containerd16', runtime: 'containerd', version: '1.6.20' };
const legacy = { ...containerd, runtime: 'containerd-legacy' };
const crio = { fixture: 'ubuntu-crio', runtime: 'crio', version: '1.25.4' };
const docker = { fixture: 'docker-cri-dockerd', runtime: 'docker', version: '24.0.7' };

export const CASES: HostileCase[] = [
  {
    name: 'config.toml malformed',
    ...containerd,
    file: CONFIG,
    make: put(CONFIG, 'version = 2\n[plugins\n'),
  },
  {
    name: 'config.toml half-written (truncated mid-table)',
    ...containerd,
    file: CONFIG,
    make: put(
      CONFIG,
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/cont',
    ),
  },
  {
    name: 'config.toml huge (> 4 MiB)',
    ...containerd,
    file: CONFIG,
    make: put(CONFIG, `version = 2\n${'#'.repeat(FOUR_MIB)}\n`),
  },
  {
    name: 'config.toml with NUL bytes',
    ...containerd,
    file: CONFIG,
    make: put(CONFIG, 'version = 2\n\u0000\u0000\n'),
  },
  {
    name: 'config.toml invalid UTF-8',
    ...containerd,
    file: CONFIG,
    make: put(CONFIG, Buffer.from([0x76, 0x65, 0x72, 0x3d, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x0a])),
  },
  {
    name: 'config.toml with legacy mirrors AND config_path',
    ...legacy,
    file: CONFIG,
    make: put(
      CONFIG,
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n' +
        '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["https://old.example.com"]\n',
    ),
  },
  { name: 'config.toml symlink to /etc/shadow', ...containerd, file: CONFIG, make: shadowLink(CONFIG) },
  {
    name: 'config.toml symlink out of the root',
    ...containerd,
    file: CONFIG,
    make: link(CONFIG, () => '../../../outside/os-release'),
  },
  {
    name: 'certs.d/<host> symlink out of the root',
    ...containerd,
    file: '/etc/containerd/certs.d/docker.io',
    make: link('etc/containerd/certs.d/docker.io', () => '../../../../outside'),
  },
  {
    name: 'certs.d/<host> symlink loop',
    ...containerd,
    file: '/etc/containerd/certs.d/docker.io',
    make: link('etc/containerd/certs.d/docker.io', () => 'docker.io'),
  },
  {
    name: 'registries.conf malformed',
    ...crio,
    file: REGISTRIES,
    make: put(REGISTRIES, '[[registry]\nprefix = "x"\n'),
  },
  {
    name: 'registries.conf v1 format',
    ...crio,
    file: REGISTRIES,
    make: put(
      REGISTRIES,
      '[registries.search]\nregistries = ["docker.io"]\n[registries.insecure]\nregistries = []\n',
    ),
  },
  {
    name: 'registries.conf binary',
    ...crio,
    file: REGISTRIES,
    make: put(REGISTRIES, Buffer.from([0, 1, 2, 0xff, 0xfe, 0])),
  },
  {
    name: 'registries.conf huge (> 4 MiB)',
    ...crio,
    file: REGISTRIES,
    make: put(REGISTRIES, `${'#'.repeat(FOUR_MIB)}\n`),
  },
  { name: 'daemon.json malformed', ...docker, file: DAEMON, make: put(DAEMON, '{"log-level": "warn",') },
  {
    name: 'daemon.json half-written',
    ...docker,
    file: DAEMON,
    make: put(DAEMON, '{"registry-mirrors": ["https://a.exa'),
  },
  {
    name: 'daemon.json binary',
    ...docker,
    file: DAEMON,
    make: put(DAEMON, Buffer.from([0x7b, 0, 0xff, 0x7d])),
  },
  {
    name: 'daemon.json huge (> 4 MiB)',
    ...docker,
    file: DAEMON,
    make: put(DAEMON, `{"x": "${'a'.repeat(FOUR_MIB)}"}`),
  },
  { name: 'daemon.json not an object', ...docker, file: DAEMON, make: put(DAEMON, '["registry-mirrors"]') },
  { name: 'daemon.json symlink to /etc/shadow', ...docker, file: DAEMON, make: shadowLink(DAEMON) },
  { name: 'registries.conf symlink to /etc/shadow', ...crio, file: REGISTRIES, make: shadowLink(REGISTRIES) },
];
