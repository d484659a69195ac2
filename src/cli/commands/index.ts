// Every verb of the CLI, in help order. Add a command by adding its module here.
import type { CommandDef } from '../command.js';
import { agentCommand } from './agent.js';
import { applyCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { controllerCommand } from './controller.js';
import { convertCommand } from './convert.js';
import { detectCommand } from './detect.js';
import { explainCommand } from './explain.js';
import { importCommand } from './import.js';
import { installCommand } from './install.js';
import { nodesCommand } from './nodes.js';
import { planCommand } from './plan.js';
import { preflightCommand } from './preflight.js';
import { renderCommand } from './render.js';
import { rollbackCommand } from './rollback.js';
import { rolloutCommand } from './rollout.js';
import { statusCommand } from './status.js';
import { uninstallCommand } from './uninstall.js';
import { verifyCommand } from './verify.js';

export const commands: CommandDef[] = [
  detectCommand,
  renderCommand,
  planCommand,
  applyCommand,
  verifyCommand,
  rollbackCommand,
  uninstallCommand,
  statusCommand,
  explainCommand,
  convertCommand,
  importCommand,
  preflightCommand,
  nodesCommand,
  installCommand,
  rolloutCommand,
  agentCommand,
  controllerCommand,
  completionCommand(() => commands),
];
