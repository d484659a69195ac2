// The `agent` verb's own argument parsing, from the same option table as the full CLI, so an entry
// point that runs only the agent does not pull in the other commands (and the Kubernetes client
// library): the reconciling agent by default, the previous ConfigMap agent when given --spec.
import { Command, CommanderError, Option } from 'commander';
import { envVarFor } from '../command.js';
import { processContext } from '../process-context.js';
import { agentCommand, type NodeEntry, runAgentCommand, runClusterAgent } from './agent.js';

export async function runAgentCli(argv: readonly string[], entry: NodeEntry): Promise<number> {
  const ctx = processContext();
  let code = 0;
  const program = new Command('mirrorctl-agent').exitOverride();
  const cmd = new Command(agentCommand.name).description(agentCommand.summary).exitOverride();
  for (const o of agentCommand.options) {
    const opt = new Option(o.flags, o.description).env(envVarFor(o));
    if (o.default !== undefined) opt.default(o.default);
    cmd.addOption(opt);
  }
  cmd.action(async (opts: Record<string, unknown>) => {
    code =
      typeof opts.spec === 'string'
        ? await runAgentCommand(ctx, opts, entry)
        : await runClusterAgent(ctx, opts);
  });
  program.addCommand(cmd);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    ctx.stderr.write(
      `✖ internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}
