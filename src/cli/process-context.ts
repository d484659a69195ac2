// The real process as a CliContext (stdout/stderr, env, cwd, colour when stdout is a TTY): what the
// bin and the agent bundle pass to the commands; tests pass their own. A reader that goes away
// (`mirrorctl explain … | head`) is not an error: later writes to that stream are dropped.
import type { CliContext } from './context.js';

const gone = new Set<NodeJS.WriteStream>();
const watched = new WeakSet<NodeJS.WriteStream>();

/**
 * Node ignores SIGPIPE, so a write to a pipe whose reader has closed fails with EPIPE as an 'error'
 * event, and an unhandled one kills the process with a stack trace. A closed reader means nobody
 * wants the rest of that stream: stop writing to it, and let the command finish what it was doing
 * (an apply half done because `| head` exited would be worse) with its own exit status — 0 when it
 * succeeded, as `git log | head` or `rg … | head` exit. Any other stream error stays loud.
 */
export function pipeWriter(stream: NodeJS.WriteStream): (text: string) => void {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      gone.add(stream);
    });
  }
  return (text) => {
    if (!gone.has(stream) && !stream.destroyed) stream.write(text);
  };
}

export function processContext(): CliContext {
  const env = process.env;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    stdout: { write: pipeWriter(process.stdout), isTTY: process.stdout.isTTY === true },
    stderr: { write: pipeWriter(process.stderr), isTTY: process.stderr.isTTY === true },
    env,
    cwd: process.cwd(),
    color: !noColor && process.stdout.isTTY === true,
    quiet: false,
    verbose: false,
  };
}
