// `mirrorctl completion SHELL`: prints the completion script for every verb. The verb list is passed
// in by src/cli/commands/index.ts (which lists this command too), so the two files import one way.

import { CliError, ExitCode } from '../../exit-codes.js';
import type { CommandDef } from '../command.js';
import { completionScript } from '../completion-script.js';

/** `all` returns every command, this one included (called when the command runs). */
export const completionCommand = (all: () => readonly CommandDef[]): CommandDef => ({
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish)',
  args: [{ name: 'shell', description: 'bash | zsh | fish', required: true }],
  options: [],
  examples: [
    'source <(mirrorctl completion bash)',
    'mirrorctl completion fish > ~/.config/fish/completions/mirrorctl.fish',
  ],
  async run(ctx, args) {
    const shell = args[0];
    if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
      throw new CliError(`unknown shell "${shell}": use bash, zsh or fish`, ExitCode.INVALID_INPUT);
    }
    ctx.stdout.write(completionScript(shell, all()));
    return ExitCode.OK;
  },
});
