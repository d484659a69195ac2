// A verb's run function loaded on first use: a command module keeps its flags and help text and
// imports only light modules, so building the program (`--help`, and every verb) does not load
// zod, yaml, the TOML wasm, gRPC or client-node; the verb's `<verb>-run.ts` loads what it needs.
import type { CommandDef } from './command.js';

export function lazyRun<M>(load: () => Promise<M>, pick: (m: M) => CommandDef['run']): CommandDef['run'] {
  return async (ctx, args, opts) => pick(await load())(ctx, args, opts);
}
