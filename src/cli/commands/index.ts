// Every verb of the CLI, in help order. Add a command by adding its module here.
import type { CommandDef } from '../command.js';
import { agentCommand } from './agent.js';
import { applyCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { detectCommand } from './detect.js';
import { explainCommand } from './explain.js';
import { planCommand } from './plan.js';
import { nodesCommand } from './nodes.js';
import { preflightCommand } from './preflight.js';
import { renderCommand } from './render.js';
import { rolloutCommand } from './rollout.js';

export const commands: CommandDef[] = [
  detectCommand,
  explainCommand,
  preflightCommand,
  nodesCommand,
  rolloutCommand,
  agentCommand,
  completionCommand,
];
