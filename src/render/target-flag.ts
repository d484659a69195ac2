// How a hint names another target: plan/apply choose it with --runtime, render/explain with --target,
// and the render rules reach all of them, so a hint names both (issue 15.13: one flag per verb).
export const useTarget = (target: string, what?: string): string =>
  `the ${target} target (${what ? `${what}; ` : ''}plan/apply: --runtime ${target}, render: --target ${target})`;
