// Figure 3's controller rows (bench/controller.ts measures them): API requests per node for a hot
// change and for a restart rollout, the controller's CPU and peak RSS, the time to converge, and the
// time per restart wave — each beside the same run's other figures.
import { type ControllerRun, controllerBench } from './controller.js';
import { mib, ms, type Row, verdict } from './table.js';

export { controllerBench };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] as number);
};

export function controllerRows(r: ControllerRun): Row[] {
  const n = r.nodes.toLocaleString('en');
  const perNode = (x: number) => (x / r.nodes).toFixed(2);
  const waves = r.restart.waves.filter((w) => w.number > 0);
  const canary = r.restart.waves.find((w) => w.number === 0);
  const s = (v: number) => `${(v / 1000).toFixed(1)} s`;
  return [
    {
      section: '3',
      figure: `controller, ${n} nodes: API requests per node (hot change / restart rollout)`,
      value: `${perNode(r.hot.requests)} / ${perNode(r.restart.requests)}`,
      target: '≤ 3 (hot change)',
      comparison: `startup (list + watch, leader election): ${Object.values(r.startup.requests).reduce((a, b) => a + b, 0)} requests; the agents' status writes: ${perNode(r.agentWrites)} per node for both rollouts`,
      verdict: verdict(r.hot.requests / r.nodes <= 3),
    },
    {
      section: '3',
      figure: `controller, ${n} nodes: CPU (user+system) per rollout`,
      value: `${ms(r.hot.cpuMs)} hot / ${ms(r.restart.cpuMs)} restart waves`,
      target: '— (reported; no number in issue 16)',
      comparison: `start-up to synced caches (incl. loading from TypeScript source): ${ms(r.startup.cpuMs)}`,
      verdict: 'info',
    },
    {
      section: '3',
      figure: `controller, ${n} nodes: peak RSS`,
      value: mib(r.end.maxRssBytes),
      target: '— (reported; the Deployment limits it to 512 MiB)',
      comparison: `after the caches synced: ${mib(r.startup.rssBytes)}`,
      verdict: r.end.maxRssBytes <= 512 * 2 ** 20 ? 'pass' : 'MISS',
    },
    {
      section: '3',
      figure: `controller, ${n} nodes: hot change (hosts.toml) to Ready everywhere`,
      value: s(r.hot.ms),
      target: '— (reported)',
      comparison: 'agents react 0.2–2 s after their MirrorNode changes (watch delivery, plan, apply)',
      verdict: 'info',
    },
    {
      section: '3',
      figure: `controller, ${n} nodes: restart rollout, time per wave (maxUnavailable 10%, soak ${r.soakSeconds} s)`,
      value: `median ${s(median(waves.map((w) => w.totalMs)))} (restarts ${s(median(waves.map((w) => w.restartMs)))})`,
      target: '— (reported)',
      comparison: `canary wave (1 node) ${canary ? s(canary.totalMs) : '—'}; slowest wave ${s(Math.max(0, ...waves.map((w) => w.totalMs)))}; ${waves.length} waves of ≤ ${Math.max(0, ...waves.map((w) => w.nodes))} nodes; whole rollout ${s(r.restart.ms)}; apply Jobs run 2–4 s`,
      verdict: 'info',
    },
  ];
}
