// The agent process inside the pod: poll the mounted ConfigMap (kubelet swaps it atomically through
// a symlink, so polling two small files is simpler and more reliable than inotify on it), act when
// control.json asks, publish every result as a log line plus the readiness file, and exit once after
// a failure so the container restart shows up in the pod status the CLI watches.

import { posix } from 'node:path';
import {
  type AgentResult,
  agentResultSchema,
  type Control,
  controlSchema,
  RESULT_KIND,
  SUCCEEDED,
} from './agent-protocol.js';
import { effectiveControl, pendingKey, runTick, type TickDeps } from './agent-tick.js';
import { podTlsFiles } from './tls-assets.js';

export interface AgentIo {
  readText(path: string): Promise<string | undefined>;
  writeText(path: string, text: string): Promise<void>;
  /** One line on stdout (the pod log the CLI reads). */
  print(line: string): void;
  /** Progress for humans (stderr). */
  log(message: string): void;
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export interface AgentOptions {
  node: string;
  specFile: string;
  controlFile: string;
  resultFile: string;
  once: boolean;
  pollMs: number;
  /** Keep the pod not-ready at least this long while working, so a readiness probe running every
   *  `periodSeconds` observes the transition even when the work takes less (2 × period). */
  minWorkingMs: number;
  /** Called after a successful apply (removes the --gate-new-nodes startup taint). */
  onSucceeded?: (result: AgentResult) => Promise<string | undefined>;
  /** Stop after this many polls (tests); undefined = forever. */
  maxPolls?: number;
}

function parseJson<T>(
  text: string | undefined,
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
): T | undefined {
  if (text === undefined) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function failure(node: string, control: Control, err: unknown, now: Date): AgentResult {
  return {
    kind: RESULT_KIND,
    node,
    revision: control.revision,
    mode: control.mode,
    status: 'failed',
    action: 'none',
    exitCode: 70,
    message: `agent error: ${err instanceof Error ? err.message : String(err)}`,
    ready: false,
    at: now.toISOString(),
    diagnostics: [],
  };
}

async function publish(io: AgentIo, o: AgentOptions, r: AgentResult): Promise<void> {
  const line = JSON.stringify(r);
  await io.writeText(o.resultFile, `${line}\n`);
  io.print(line);
}

/** TLS files the spec names that kubelet has not projected yet (the ConfigMap and Secret volumes
 *  update independently): acting now would fail the node for a file that arrives a moment later. */
async function missingTlsFiles(io: AgentIo, specFile: string, specText: string): Promise<string[]> {
  const dir = posix.dirname(specFile);
  const missing: string[] = [];
  for (const f of podTlsFiles(specText))
    if ((await io.readText(posix.join(dir, f))) === undefined) missing.push(f);
  return missing;
}

/** Returns the process exit code. */
export async function runAgent(o: AgentOptions, io: AgentIo, deps: TickDeps): Promise<number> {
  let last = parseJson<AgentResult>(await io.readText(o.resultFile), agentResultSchema);
  // After a container restart the log is new: say again where this node stands.
  if (last) io.print(JSON.stringify(last));
  let gatePending = last !== undefined && SUCCEEDED.has(last.status) && o.onSucceeded !== undefined;
  for (let polls = 0; o.maxPolls === undefined || polls < o.maxPolls; polls++) {
    const specText = await io.readText(o.specFile);
    const control = effectiveControl(
      parseJson<Control>(await io.readText(o.controlFile), controlSchema),
      specText,
    );
    const input = { node: o.node, control, specText, last, now: io.now() };
    const waitFor =
      control?.mode === 'apply' && specText !== undefined && pendingKey(input) !== undefined
        ? await missingTlsFiles(io, o.specFile, specText)
        : [];
    if (waitFor.length > 0) io.log(`waiting for kubelet to mount ${waitFor.join(', ')}`);
    else if (control && pendingKey(input) !== undefined) {
      const started = io.now().getTime();
      await publish(io, o, {
        ...failure(o.node, control, '', io.now()),
        status: 'working',
        exitCode: 0,
        message: 'working',
      });
      let result: AgentResult | undefined;
      try {
        result = await runTick(input, deps);
      } catch (err) {
        result = failure(o.node, control, err, io.now());
      }
      const wait = o.minWorkingMs - (io.now().getTime() - started);
      if (wait > 0 && !o.once) await io.sleep(wait);
      if (result) {
        await publish(io, o, result);
        last = result;
        gatePending = SUCCEEDED.has(result.status) && o.onSucceeded !== undefined;
        if (!result.ready && !o.once) return 1;
      }
    }
    if (gatePending && last && o.onSucceeded) {
      const problem = await o.onSucceeded(last);
      if (problem) io.log(`gate taint: ${problem} (will retry)`);
      else gatePending = false;
    }
    if (o.once) return last?.exitCode ?? 0;
    await io.sleep(o.pollMs);
  }
  return 0;
}
