// Runs `mirrorctl …` in this process (the same main() the bin calls) after printing the command line,
// so the demo reads like a terminal session and does not pay a Node.js start-up per command.
import { main } from '../../src/cli/main.js';
import { processContext } from '../../src/cli/process-context.js';

const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[0m` : s);

/** Quotes an argument the way an operator would type it. */
const shellWord = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export function heading(text: string): void {
  process.stdout.write(`\n${bold(`━━ ${text} ━━`)}\n`);
}

export function note(text: string): void {
  process.stdout.write(`# ${text}\n`);
}

export class DemoFailure extends Error {
  override readonly name = 'DemoFailure';
}

/** Runs mirrorctl with `argv`; throws DemoFailure unless it exits with one of `expect`. */
export async function mirrorctl(argv: readonly string[], expect: readonly number[] = [0]): Promise<number> {
  process.stdout.write(`\n${bold(`$ mirrorctl ${argv.map(shellWord).join(' ')}`)}\n`);
  const code = await main(argv, processContext());
  if (!expect.includes(code)) {
    throw new DemoFailure(`mirrorctl ${argv[0]} exited ${code}, expected ${expect.join(' or ')}`);
  }
  process.stdout.write(`(exit ${code})\n`);
  return code;
}
