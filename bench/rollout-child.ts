// Runs the cluster layer's 5,000-node simulated rollout (test/cluster/simulate.ts: the real rollout
// code and Kubernetes client against the fake API server in a child process) in its own process, so
// its peak RSS is the CLI's alone. Prints one JSON line: the simulation's figures plus maxRssBytes.
import { simulateRollout } from '../test/cluster/simulate.js';

const nodes = Number(process.argv[2] ?? '5000');
const result = await simulateRollout({ nodes });
// resourceUsage().maxRSS is in kilobytes (getrusage ru_maxrss).
process.stdout.write(
  `${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
