// Every verb of the CLI, in help order. Add a command by adding its module here.
import type { CommandDef } from '../command.js';
import { completionCommand } from './completion.js';
import { detectCommand } from './detect.js';

export const commands: CommandDef[] = [detectCommand, completionCommand];
