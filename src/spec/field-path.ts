// Field paths as users read them: `spec.registries[0].mirrors[1].url`. One formatter so that
// parse, schema and rule diagnostics name fields identically (tests match on these strings).

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['spec','registries',0,'url']` → `spec.registries[0].url`; odd keys are quoted: `headers["X Y"]`. */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
