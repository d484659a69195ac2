// The real process as a CliContext (stdout/stderr, env, cwd, colour when stdout is a TTY): what the
// bin and the agent bundle pass to the commands; tests pass their own.
import type { CliContext } from './context.js';

export function processContext(): CliContext {
  const env = process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    stdout: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY === true },
    stderr: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true },
    env,
    cwd: process.cwd(),
    color: !noColor && process.stdout.isTTY === true,
    quiet: false,
    verbose: false,
  };
}
