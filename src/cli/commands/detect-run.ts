// The implementation of `mirrorctl detect` (detect.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
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
import { type OptionValues, optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';

export async function runDetect(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const json = optString(opts, 'output') === 'json';
  const fromKubectl = optString(opts, 'fromKubectl');
  if (fromKubectl) return detectFromKubectl(ctx, resolve(ctx.cwd, fromKubectl), json);
  return detectHost(ctx, opts, json);
}

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
