// `mirrorctl detect`: which runtime this node (or --root tree) runs, the target mirrorctl would use,
// the distribution that owns the files and the registry settings already there — with reasons.
// `--from-kubectl FILE` does the same per node from saved `kubectl get nodes -o wide|json` output.
import { resolve } from 'node:path';
import { detectRuntime } from '../../detect/detect.js';
import { formatDetection, formatNodeTable, nodeTargetRows } from '../../detect/format-detection.js';
import { parseKubectlNodes } from '../../detect/kubectl.js';
import { formatDiagnostics, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { execRunner } from '../../host/exec-runner.js';
import { nodeFs } from '../../host/node-fs.js';
import { type Host, type Runner, silentLogger } from '../../host/ports.js';
import { parseCommandsFile, scriptedRunner } from '../../host/scripted-runner.js';
import { maskUrlPasswords } from '../../plan/secret-values.js';
import { observeHost } from '../../planner/observe-host.js';
import { type CommandDef, type OptionValues, optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';

export const detectCommand: CommandDef = {
  name: 'detect',
  summary: 'detect the container runtime, its version and the target mirrorctl would use',
  description: `Reads the node's files under --root (sockets, config.toml, registries.conf, daemon.json,
os-release) and runs the runtimes' --version commands, then prints the runtime, version, target,
owning distribution (k3s, RKE2, OpenShift, Talos, Bottlerocket, kind) and the reason for each decision.
Version commands run only against this machine (--root /), through nsenter with --nsenter, or with an
explicit --containerd-bin/--crio-bin/--dockerd-bin.
Exit codes: 0 detected, 1 no supported runtime found, 2 invalid input.`,
  options: [
    { flags: '--root <dir>', description: 'directory standing for the node filesystem', default: '/' },
    {
      flags: '-o, --output <format>',
      description: 'output format',
      choices: ['text', 'json'],
      default: 'text',
    },
    {
      flags: '--from-kubectl <file>',
      description: 'saved `kubectl get nodes -o wide` or `-o json` output: one row per node instead',
    },
    {
      flags: '--kubelet-runtime <name://version>',
      description: "kubelet's containerRuntimeVersion for this node (outranks binaries)",
    },
    { flags: '--containerd-bin <path>', description: 'containerd binary to ask for its version' },
    { flags: '--crio-bin <path>', description: 'crio binary to ask for its version' },
    { flags: '--dockerd-bin <path>', description: 'dockerd binary to ask for its version' },
    {
      flags: '--nsenter',
      description: "run version commands in PID 1's namespaces (agent pod with hostPID)",
    },
    {
      flags: '--commands <file>',
      description: 'replay recorded command outputs (commands.json) instead of running them',
      hidden: true,
    },
  ],
  examples: [
    'mirrorctl detect',
    'mirrorctl detect --root /host --nsenter -o json',
    'kubectl get nodes -o wide > nodes.txt && mirrorctl detect --from-kubectl nodes.txt',
  ],
  async run(ctx, _args, opts) {
    const json = optString(opts, 'output') === 'json';
    const fromKubectl = optString(opts, 'fromKubectl');
    if (fromKubectl) return detectFromKubectl(ctx, resolve(ctx.cwd, fromKubectl), json);
    return detectHost(ctx, opts, json);
  },
};

async function readText(path: string): Promise<string> {
  const bytes = await nodeFs({ root: '/' })
    .readFile(path)
    .catch((err: unknown) => {
      throw new CliError(
        `${path}: ${err instanceof Error ? err.message : String(err)}`,
        ExitCode.INVALID_INPUT,
      );
    });
  if (!bytes) throw new CliError(`${path}: no such file`, ExitCode.INVALID_INPUT, 'cli.file.missing');
  return new TextDecoder().decode(bytes);
}

async function detectFromKubectl(ctx: CliContext, file: string, json: boolean): Promise<number> {
  const parsed = parseKubectlNodes(await readText(file));
  const diagnostics = parsed.diagnostics.map((d) => ({ ...d, file: d.file ?? file }));
  if (diagnostics.length) ctx.stderr.write(`${formatDiagnostics(diagnostics)}\n`);
  if (hasErrors(diagnostics) && parsed.nodes.length === 0) return ExitCode.INVALID_INPUT;
  const rows = nodeTargetRows(parsed.nodes);
  ctx.stdout.write(
    json
      ? `${JSON.stringify({ apiVersion: 'mirrorctl/v1', kind: 'NodeDetectionList', items: rows, diagnostics }, null, 2)}\n`
      : formatNodeTable(rows),
  );
  return rows.every((r) => r.target) ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}

async function detectHost(ctx: CliContext, opts: OptionValues, json: boolean): Promise<number> {
  const root = resolve(ctx.cwd, optString(opts, 'root') ?? '/');
  const bins = {
    ...(optString(opts, 'containerdBin') ? { containerd: optString(opts, 'containerdBin') } : {}),
    ...(optString(opts, 'crioBin') ? { crio: optString(opts, 'crioBin') } : {}),
    ...(optString(opts, 'dockerdBin') ? { dockerd: optString(opts, 'dockerdBin') } : {}),
  };
  const nsenter = optBool(opts, 'nsenter');
  const commandsFile = optString(opts, 'commands');
  let run: Runner = execRunner({ nsenter, defaultTimeoutMs: 10_000 });
  if (commandsFile) {
    const path = resolve(ctx.cwd, commandsFile);
    const parsed = parseCommandsFile(await readText(path), path);
    if (parsed.diagnostics.length) {
      ctx.stderr.write(`${formatDiagnostics(parsed.diagnostics)}\n`);
      return ExitCode.INVALID_INPUT;
    }
    run = scriptedRunner(parsed.commands);
  }
  // This machine's binaries say nothing about another tree, unless the operator points at them.
  const runCommands = root === '/' || nsenter || commandsFile !== undefined || Object.keys(bins).length > 0;
  const host: Host = { fs: nodeFs({ root }), run, log: silentLogger, now: () => new Date() };
  const facts = await observeHost(host, DEFAULT_PATHS, { bins, runCommands });
  const kubelet = optString(opts, 'kubeletRuntime');
  const det = detectRuntime(facts, DEFAULT_PATHS, kubelet ? { kubeletRuntimeVersion: kubelet } : {});
  if (!runCommands)
    det.reasons.push(
      `version commands not run: --root ${root} is not this machine (use --nsenter or --containerd-bin)`,
    );
  // The summaries quote the node's registry URLs: a password in one is never printed (issue 15.14).
  if (json) {
    ctx.stdout.write(
      maskUrlPasswords(
        `${JSON.stringify({ apiVersion: 'mirrorctl/v1', kind: 'Detection', root, ...det }, null, 2)}\n`,
      ),
    );
  } else {
    ctx.stdout.write(maskUrlPasswords(formatDetection(det)));
    if (det.diagnostics.length && !ctx.quiet)
      ctx.stderr.write(`${maskUrlPasswords(formatDiagnostics(det.diagnostics))}\n`);
  }
  return det.target ? ExitCode.OK : ExitCode.PENDING_OR_CHECK_FAILED;
}
