// A simulated node as a machine: its own PID, mount, UTS, IPC and network namespaces (root needed,
// nothing mounted outside them) whose / shows the node's root dir, so hostPath /etc/containerd is
// <root>/etc/containerd and `nsenter -t 1` from a hostPID pod reaches this node, never this machine.
// Inside, 10.96.0.1:443 (and chosen 127.0.0.1 ports) are forwarded to the test process over unix
// sockets; the test reaches ports inside through dial(); systemctl talks to `services`.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { SERVICE_IP } from '../../apiserver/tls.js';
import { inPidNamespaceOf, isLive, type NodeProcess, spawnInNode } from './process.js';
import { Services } from './services.js';

const ASSETS = join(import.meta.dirname, 'assets');
export const NODE_PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface NodeHostOptions {
  name: string;
  /** The node's root dir on this machine (created with etc, var, run, opt, tmp, root if missing). */
  root: string;
  /** Where 10.96.0.1:443 inside the node leads (the API server stand-in). */
  apiServer: { host: string; port: number };
  /** 127.0.0.1:<port> inside the node reaches 127.0.0.1:<port> here (registries, mirrors …). */
  forwardPorts?: number[];
}

const pipe = (a: Socket, b: Socket): void => {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
};

export function assertRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new Error(`${what} needs root (namespaces and mounts of simulated nodes)`);
}

export class NodeHost {
  readonly services: Services;
  /** PID (in this machine's namespace) of the node's PID 1. */
  pid = 0;
  /** What the node's init printed (mount errors …). */
  log = '';
  private dir = '';
  private init: ChildProcess | undefined;
  private servers: Server[] = [];

  constructor(readonly opts: NodeHostOptions) {
    this.services = new Services((argv, env, log) => {
      const p = this.exec(argv, env);
      p.child.stdout?.on('data', (d: Buffer) => log(d.toString()));
      p.child.stderr?.on('data', (d: Buffer) => log(d.toString()));
      return p;
    });
  }

  get name(): string {
    return this.opts.name;
  }

  get running(): boolean {
    return this.init !== undefined && this.init.exitCode === null && this.init.signalCode === null;
  }

  /** This machine's path of a path on the node. */
  path(nodePath: string): string {
    return join(this.opts.root, nodePath);
  }

  private prepareRoot(): void {
    const r = this.opts.root;
    for (const d of ['etc', 'var/lib/kubelet', 'var/log', 'run', 'opt', 'root'])
      mkdirSync(join(r, d), { recursive: true });
    mkdirSync(join(r, 'tmp'), { recursive: true, mode: 0o1777 });
    if (!existsSync(join(r, 'var/run'))) symlinkSync('../run', join(r, 'var/run'));
    const seed = (f: string, content: string) => {
      if (!existsSync(join(r, f))) writeFileSync(join(r, f), content);
    };
    seed('etc/hostname', `${this.name}\n`);
    seed('etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t${this.name}\n`);
    seed('etc/os-release', readFileSync('/usr/lib/os-release', 'utf8'));
  }

  async start(): Promise<void> {
    assertRoot(`simulated node ${this.name}`);
    this.prepareRoot();
    // Short paths: unix socket names must stay under 108 bytes.
    this.dir = mkdtempSync('/tmp/mcn-');
    const sim = join(this.dir, 's');
    const mnt = join(this.dir, 'm');
    mkdirSync(join(sim, 'host'), { recursive: true });
    mkdirSync(mnt);
    copyFileSync(join(ASSETS, 'node-init.sh'), join(sim, 'node-init.sh'));
    copyFileSync(join(ASSETS, 'node-helper.mjs'), join(sim, 'node-helper.mjs'));
    copyFileSync(join(ASSETS, 'systemctl.cjs'), join(sim, 'systemctl'));
    chmodSync(join(sim, 'systemctl'), 0o755);
    const forwards = [
      { host: SERVICE_IP, port: 443, socket: '/.sim/fwd-api.sock', to: this.opts.apiServer },
      ...(this.opts.forwardPorts ?? []).map((p) => ({
        host: '127.0.0.1',
        port: p,
        socket: `/.sim/fwd-${p}.sock`,
        to: { host: '127.0.0.1', port: p },
      })),
    ];
    writeFileSync(
      join(sim, 'config.json'),
      JSON.stringify({ forwards: forwards.map(({ to: _, ...f }) => f) }),
    );
    for (const f of forwards)
      this.servers.push(
        await this.listen(join(sim, f.socket.slice('/.sim/'.length)), (c) =>
          pipe(c, connect(f.to.port, f.to.host)),
        ),
      );
    this.servers.push(await this.listen(join(sim, 'systemctl.sock'), (c) => this.systemctl(c)));
    this.init = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--kill-child',
        '--mount',
        '--propagation',
        'private',
        '--uts',
        '--ipc',
        '--net',
        '--',
        '/bin/sh',
        join(sim, 'node-init.sh'),
        this.opts.root,
        sim,
        mnt,
        this.name,
      ],
      {
        env: { PATH: NODE_PATH_ENV },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.init.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.init.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!existsSync(join(sim, 'ready'))) {
      if (!this.running || Date.now() > deadline) {
        await this.stop();
        throw new Error(`simulated node ${this.name} did not start: ${this.log.trim() || 'timeout'}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const u = this.init.pid ?? 0;
    this.pid = Number(readFileSync(`/proc/${u}/task/${u}/children`, 'utf8').trim().split(' ')[0]);
  }

  private listen(path: string, onConnection: (c: Socket) => void): Promise<Server> {
    return new Promise((resolve, reject) => {
      // Half-open: systemctl ends its side after the request and still reads the answer.
      const s = createServer({ allowHalfOpen: true }, onConnection);
      s.on('error', reject);
      s.listen(path, () => resolve(s));
    });
  }

  private systemctl(c: Socket): void {
    let text = '';
    c.on('data', (d) => {
      text += d.toString();
    });
    c.on('end', () => {
      const { argv } = JSON.parse(text) as { argv: string[] };
      void this.services.handle(argv).then((a) => c.end(JSON.stringify(a)));
    });
    c.on('error', () => {});
  }

  /** Runs argv in the node's namespaces (as a node service would run: the node's /, no chroot). */
  exec(argv: string[], env: Record<string, string> = {}): NodeProcess {
    if (!this.pid) throw new Error(`simulated node ${this.name} is not running`);
    return spawnInNode(this.pid, argv, { PATH: NODE_PATH_ENV, ...env });
  }

  /** A TCP connection to host:port inside the node. */
  dial(port: number, host = '127.0.0.1'): Socket {
    const s = connect(join(this.dir, 's', 'dial.sock'));
    s.write(`${host} ${port}\n`);
    return s;
  }

  /** HTTP GET inside the node (readiness probes, metrics). */
  fetch(
    port: number,
    path: string,
    timeoutMs = 1000,
    host = '127.0.0.1',
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          createConnection: () => this.dial(port, host),
          path,
          method: 'GET',
          headers: { host: `${host}:${port}`, 'user-agent': 'kube-probe/1.30' },
          timeout: timeoutMs,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('probe timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  /** Powers the node off: every process in it dies with its PID 1. */
  async stop(): Promise<void> {
    const init = this.init;
    if (init && this.running) {
      // Everything in the node's PID namespace dies with its PID 1; wait until the kernel is done.
      const members = this.pid ? inPidNamespaceOf(this.pid) : [];
      const done = new Promise((r) => init.once('exit', r));
      init.kill('SIGKILL');
      await done;
      const deadline = Date.now() + 5000;
      while (members.some(isLive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    for (const s of this.servers) s.close();
    this.servers = [];
    this.pid = 0;
    if (this.dir) removeSimDir(this.dir);
    this.dir = '';
  }
}

/** Removes the sim dir without ever recursing into a mount point: `s/host` is this machine's / inside
 *  the node (never visible here with private propagation, but rmdir, not rm -r, keeps it that way). */
function removeSimDir(dir: string): void {
  const sim = join(dir, 's');
  for (const name of existsSync(sim) ? readdirSync(sim) : [])
    if (name !== 'host') rmSync(join(sim, name), { force: true });
  for (const d of [join(sim, 'host'), sim, join(dir, 'm'), dir]) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (or still mounted): left alone
    }
  }
}
