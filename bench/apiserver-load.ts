// How much the API server stand-in sustains at the benchmark's scale: N Nodes and MirrorNodes, one
// watch per node (fieldSelector metadata.name, like each agent), a spec change fanned out to every
// node (PATCH by a "controller", delivery through the watches), N status writes and N GETs at a
// concurrency of 64 over keep-alive HTTP, full LISTs, and the DaemonSet controller bringing up N
// status-only agent pods. The server runs in a child process (its CPU is measured there).
// `node --import tsx bench/apiserver-load.ts [nodes]` prints one JSON line.
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const nodes = Number(process.argv[2] ?? '5000');
const CONCURRENCY = 64;
const MN = '/apis/mirrorctl.io/v1alpha1/mirrornodes';
const names = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(5, '0')}`);

const child = fork(fileURLToPath(new URL('./apiserver-server.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const next = <T>(): Promise<T> => new Promise((r) => child.once('message', (m) => r(m as T)));

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let base = '';
function call(method: string, path: string, body?: unknown, type = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: { authorization: 'Bearer fake-token', ...(payload ? { 'content-type': type } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `job(i)` for every item with CONCURRENCY in flight; returns requests per second. */
async function pool(
  n: number,
  job: (i: number) => Promise<number>,
): Promise<{ rps: number; ms: number; failed: number }> {
  let i = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (i < n) {
        const code = await job(i++);
        if (code >= 300) failed++;
      }
    }),
  );
  const ms = performance.now() - t0;
  return { rps: Math.round((n / ms) * 1000), ms: Math.round(ms), failed };
}

const ready = next<{ url: string; bareUrl: string; setupMs: number }>();
child.send({ nodes });
const { url, bareUrl, setupMs } = await ready;
base = bareUrl;
const bare = await pool(nodes, () => call('GET', '/'));
base = url;

// One watch per node, as each agent holds one on its MirrorNode.
const events = new Map<string, number>();
let modified = 0;
let onModified: (() => void) | undefined;
const tWatch = performance.now();
await Promise.all(
  names.map(
    (name) =>
      new Promise<void>((resolve) => {
        const req = request(
          `${base}${MN}?watch=true&fieldSelector=metadata.name%3D${name}`,
          { agent: false, headers: { authorization: 'Bearer fake-token' } },
          (res) => {
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              buf += d;
              let nl = buf.indexOf('\n');
              while (nl >= 0) {
                const type = /"type":"(\w+)"/.exec(buf.slice(0, nl))?.[1] ?? '';
                buf = buf.slice(nl + 1);
                events.set(name, (events.get(name) ?? 0) + 1);
                if (type === 'ADDED') resolve();
                if (type === 'MODIFIED' && ++modified === nodes) onModified?.();
                nl = buf.indexOf('\n');
              }
            });
          },
        );
        req.end();
      }),
  ),
);
const watchesMs = performance.now() - tWatch;

const delivered = new Promise<void>((r) => {
  onModified = r;
});
const tFan = performance.now();
const patch = await pool(nodes, (i) =>
  call('PATCH', `${MN}/${names[i]}`, { spec: { revision: 'bbbbbbbbbbbb' } }, 'application/merge-patch+json'),
);
await delivered;
const fanOutMs = performance.now() - tFan;
const status = await pool(nodes, (i) =>
  call(
    'PATCH',
    `${MN}/${names[i]}/status`,
    { status: { state: 'Applied', appliedRevision: 'bbbbbbbbbbbb' } },
    'application/merge-patch+json',
  ),
);
const get = await pool(nodes, (i) => call('GET', `${MN}/${names[i]}`));
const tList = performance.now();
for (let i = 0; i < 10; i++) await call('GET', MN);
const listMs = (performance.now() - tList) / 10;

const statsBefore = next<{ cpuMs: number }>();
child.send('stats');
const cpuBeforeDs = (await statsBefore).cpuMs;
const ds = next<{ podsReadyMs: number }>();
child.send('daemonset');
const { podsReadyMs } = await ds;
const stats = next<{ cpuMs: number; rssBytes: number; requests: number; byVerb: Record<string, number> }>();
child.send('stats');
const s = await stats;
child.kill();
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    nodes,
    setupMs: Math.round(setupMs),
    watchesOpenMs: Math.round(watchesMs),
    specPatch: patch,
    specFanOutDeliveredMs: Math.round(fanOutMs),
    statusPatch: status,
    get,
    bareNodeHttpGet: bare,
    listAllMs: Math.round(listMs),
    daemonSetPodsReadyMs: Math.round(podsReadyMs),
    serverCpuMsHttpPhases: Math.round(cpuBeforeDs),
    serverCpuMsTotal: Math.round(s.cpuMs),
    serverRssMiB: Math.round(s.rssBytes / 2 ** 20),
    httpRequests: s.requests,
  })}\n`,
);
process.exit(0);
