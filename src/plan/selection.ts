// Which spec entries a target reads (`only:`), and the warning when it reads none: a node whose plan
// is "in sync" only because the spec mirrors nothing for its runtime must say so (issue 15.9). Used by
// plan/apply (planner/plan-node.ts), render, and the node result the agent reports.
import type { Diagnostic } from '../diagnostics.js';
import type { MirrorSet, RegistryEntry, Target } from '../spec/types.js';

export const NOTHING_SELECTED = 'plan.target.nothing-selected';

/** The renderers' own rule (render/*: `only` undefined = every target). */
export const selects = (e: RegistryEntry, target: Target): boolean =>
  e.only === undefined || e.only.includes(target);

/**
 * A warning when no entry of the spec applies to `target`. `shownAs` names what the user chose when
 * it differs from the format whose entries it reads (render --target k3s reads containerd entries).
 */
export function nothingSelected(set: MirrorSet, target: Target, shownAs: string = target): Diagnostic[] {
  // The schema requires at least one entry, so "none selected" means every one says only: elsewhere.
  if (set.registries.some((e) => selects(e, target))) return [];
  return [
    {
      severity: 'warning',
      code: 'plan.target.nothing-selected',
      field: 'spec.registries',
      target: shownAs,
      message: `nothing on this node is mirrored: every entry of MirrorSet "${set.name}" is limited (only:) to targets other than ${shownAs}`,
      hint: `add ${target} to an entry's only: list (or drop only:) if ${shownAs} should use a mirror`,
    },
  ];
}

/** The node result's one-line message, with the nothing-mirrored warning when the plan carries it. */
export function withNothingSelected(message: string, diagnostics: readonly Diagnostic[]): string {
  const d = diagnostics.find((x) => x.code === NOTHING_SELECTED);
  return d ? `${message}; warning: ${d.message}` : message;
}
