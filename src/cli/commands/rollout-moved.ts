// rollout's flags of the previous, CLI-driven rollout (now fields of the MirrorSet): hidden flags that
// only explain where each setting moved, shared by rollout.ts (--help) and rollout-run.ts.
import type { Diagnostic } from '../../diagnostics.js';
import type { OptionDef, OptionValues } from '../command.js';

/** Flags of the previous, CLI-driven rollout: each now lives in the MirrorSet. */
const MOVED: Record<string, string> = {
  maxUnavailable: 'spec.rollout.maxUnavailable',
  canary: 'spec.rollout.canary (a count)',
  selector: 'spec.nodeSelector (matchLabels / matchExpressions)',
  includeControlPlane: 'spec.rollout.includeControlPlane',
  gateNewNodes: 'nothing: a joining node gets the current revision from its agent',
  toleration: 'nothing: the agent DaemonSets tolerate every taint',
  agentImage: '`mirrorctl install --image`',
  agentBundle: 'nothing: the agent runs from the mirrorctl image',
};
export const MOVED_OPTIONS: OptionDef[] = [
  '--max-unavailable <n>',
  '--canary <n>',
  '-l, --selector <selector>',
  '--include-control-plane',
  '--gate-new-nodes',
  '--toleration <spec>',
  '--agent-image <image>',
  '--agent-bundle <file>',
].map((flags) => ({ flags, description: 'moved into the MirrorSet', hidden: true }));

/** An error per moved flag given, naming where it lives now. */
export function movedFlags(o: OptionValues): Diagnostic[] {
  return Object.entries(MOVED)
    .filter(([k]) => o[k] !== undefined && o[k] !== false)
    .map(([k, to]) => ({
      severity: 'error' as const,
      code: 'cli.flag.moved',
      field: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      message: 'the controller now runs the rollout: this setting is part of the MirrorSet',
      hint: `set ${to}`,
    }));
}
