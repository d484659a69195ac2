// A Runner that replays recorded command results (fixture hosts' commands.json). Unknown argvs
// answer like a missing binary (exit 127), so observeHost's "tolerate absence" path is exercised.
// Repeated entries for one argv are replayed in order; the last one then repeats.
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { NOT_FOUND_CODE } from './exec-runner.js';
import type { CommandResult, Runner, RunOptions } from './ports.js';

const RecordedSchema = z.strictObject({
  argv: z.array(z.string()).min(1),
  code: z.number().int().nullable().default(0),
  signal: z.string().nullable().default(null),
  stdout: z.string().default(''),
  stderr: z.string().default(''),
  timedOut: z.boolean().default(false),
});
const CommandsFileSchema = z.strictObject({ commands: z.array(RecordedSchema) });

export type RecordedCommand = z.input<typeof RecordedSchema>;

export interface ScriptedRunner extends Runner {
  /** Every argv asked for, in order (assert on what was run). */
  readonly calls: string[][];
}

const keyOf = (argv: readonly string[]): string => JSON.stringify(argv);

export function scriptedRunner(recorded: readonly RecordedCommand[]): ScriptedRunner {
  const queues = new Map<string, CommandResult[]>();
  for (const r of recorded) {
    const p = RecordedSchema.parse(r);
    const q = queues.get(keyOf(p.argv)) ?? [];
    q.push({ code: p.code, signal: p.signal, stdout: p.stdout, stderr: p.stderr, timedOut: p.timedOut });
    queues.set(keyOf(p.argv), q);
  }
  const calls: string[][] = [];
  const run = async (argv: readonly string[], _opts?: RunOptions): Promise<CommandResult> => {
    calls.push([...argv]);
    const q = queues.get(keyOf(argv));
    const next = q && q.length > 1 ? q.shift() : q?.[0];
    if (next) return { ...next };
    return {
      code: NOT_FOUND_CODE,
      signal: null,
      stdout: '',
      stderr: `${argv[0]}: command not found`,
      timedOut: false,
    };
  };
  return Object.assign(run, { calls });
}

/** Parses a commands.json (`{ "commands": [{ argv, code, stdout, stderr }] }`). */
export function parseCommandsFile(
  text: string,
  file: string,
): { commands: RecordedCommand[]; diagnostics: Diagnostic[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { commands: [], diagnostics: [{ severity: 'error', code: 'commands.syntax', message, file }] };
  }
  const r = CommandsFileSchema.safeParse(doc);
  if (r.success) return { commands: r.data.commands, diagnostics: [] };
  return {
    commands: [],
    diagnostics: r.error.issues.map((i) => ({
      severity: 'error' as const,
      code: 'commands.shape',
      message: i.message,
      file,
      field: i.path.map(String).join('.'),
      hint: 'each entry is { "argv": [...], "code": 0, "stdout": "...", "stderr": "" }',
    })),
  };
}
