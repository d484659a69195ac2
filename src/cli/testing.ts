// Runs the CLI in-process with captured streams (tests and the demo use it).
import type { CliContext } from './context.js';
import { main } from './main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Captured> {
  const out = { stdout: '', stderr: '' };
  const ctx: CliContext = {
    stdout: {
      write: (s) => {
        out.stdout += s;
      },
      isTTY: false,
    },
    stderr: {
      write: (s) => {
        out.stderr += s;
      },
      isTTY: false,
    },
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    color: false,
    quiet: false,
    verbose: false,
  };
  const code = await main(argv, ctx);
  return { code, ...out };
}
