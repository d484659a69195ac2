// Section 3 row for the test infrastructure itself: what the API server stand-in sustains with 5,000
// simulated nodes (bench/apiserver-load.ts in its own process), so a slow cluster figure can be told
// apart from a slow stand-in. Informational: the stand-in has no target of its own.
import { join } from 'node:path';
import { timedRun } from './measure.js';
import { REPO } from './node.js';
import { mib, ms, type Row } from './table.js';

interface Load {
  nodes: number;
  specPatch: { rps: number };
  specFanOutDeliveredMs: number;
  statusPatch: { rps: number };
  get: { rps: number };
  bareNodeHttpGet: { rps: number };
  listAllMs: number;
  daemonSetPodsReadyMs: number;
  serverCpuMsTotal: number;
  serverRssMiB: number;
}

export async function apiserverRows(nodes = 5000): Promise<Row[]> {
  const r = await timedRun(
    [process.execPath, '--import', 'tsx', join(REPO, 'bench', 'apiserver-load.ts'), String(nodes)],
    { cwd: REPO },
  );
  const last = r.stdout.trim().split('\n').at(-1);
  if (r.code !== 0 || !last)
    throw new Error(`apiserver-load (${nodes} nodes) exited ${r.code}:\n${r.stderr}`);
  const l = JSON.parse(last) as Load;
  return [
    {
      section: '3',
      figure: `API server stand-in, ${l.nodes} nodes: requests/s (64 in flight, keep-alive)`,
      value: `${l.statusPatch.rps} status PATCH/s, ${l.specPatch.rps} spec PATCH/s, ${l.get.rps} GET/s`,
      target: '— (test infrastructure; no target)',
      comparison: `bare node:http GET ${l.bareNodeHttpGet.rps}/s; spec change to ${l.nodes} watches ${ms(l.specFanOutDeliveredMs)}; LIST all ${ms(l.listAllMs)}; ${l.nodes} DaemonSet pods Ready ${ms(l.daemonSetPodsReadyMs)}; server CPU ${ms(l.serverCpuMsTotal)}, RSS ${mib(l.serverRssMiB * 2 ** 20)}`,
      verdict: 'info',
    },
  ];
}
