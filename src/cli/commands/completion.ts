import type { CommandDef } from '../command.js';
import { completionScript } from '../completion-script.js';
import { CliError, ExitCode } from '../exit-codes.js';

export const completionCommand: CommandDef = {
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
    const { commands } = await import('./index.js');
    ctx.stdout.write(completionScript(shell, commands));
    return ExitCode.OK;
  },
};
