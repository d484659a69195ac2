// Shell completion generated from the same command/option table that drives parsing and docs.
import type { CommandDef } from './command.js';

const longFlags = (def: CommandDef): string[] =>
  def.options.filter((o) => !o.hidden).flatMap((o) => /--[a-z0-9-]+/.exec(o.flags)?.[0] ?? []);

export function completionScript(shell: 'bash' | 'zsh' | 'fish', commands: readonly CommandDef[]): string {
  const names = commands.map((c) => c.name);
  if (shell === 'fish') {
    const lines = ['# mirrorctl fish completion', 'complete -c mirrorctl -f'];
    for (const c of commands) {
      lines.push(
        `complete -c mirrorctl -n __fish_use_subcommand -a ${c.name} -d ${JSON.stringify(c.summary)}`,
      );
      for (const f of longFlags(c)) {
        lines.push(`complete -c mirrorctl -n '__fish_seen_subcommand_from ${c.name}' -l ${f.slice(2)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
  const cases = commands.map((c) => `    ${c.name}) opts="${longFlags(c).join(' ')}" ;;`).join('\n');
  const bash = [
    '# mirrorctl bash completion',
    '_mirrorctl() {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a template
    '  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} opts',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=( $(compgen -W "${names.join(' ')} --help --version" -- "$cur") ); return`,
    '  fi',
    '  case "$cmd" in',
    cases,
    '    *) opts="" ;;',
    '  esac',
    '  COMPREPLY=( $(compgen -W "$opts --help --no-color --quiet --verbose" -- "$cur") )',
    '}',
  ];
  if (shell === 'zsh') {
    return `${['# mirrorctl zsh completion (bash-compatible)', 'autoload -U +X bashcompinit && bashcompinit', ...bash, 'complete -F _mirrorctl mirrorctl kubectl-mirror'].join('\n')}\n`;
  }
  return `${[...bash, 'complete -F _mirrorctl mirrorctl kubectl-mirror'].join('\n')}\n`;
}
