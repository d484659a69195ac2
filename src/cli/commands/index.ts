// Every verb of the CLI, in help order. Add a command by adding its module here.
import type { CommandDef } from '../command.js';
import { completionCommand } from './completion.js';
import { detectCommand } from './detect.js';
import { explainCommand } from './explain.js';
import { preflightCommand } from './preflight.js';

export const commands: CommandDef[] = [detectCommand, explainCommand, preflightCommand, completionCommand];
