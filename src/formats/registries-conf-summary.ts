// `detect`'s summary of a CRI-O/Podman node's registries.conf: format and declared prefixes, read with
// registries-conf.ts's parse and its v1 rule (c/image's hasSetField), so detect and CRI-O agree.
import type { Diagnostic } from '../diagnostics.js';
import { isTable, parseTomlVerbatim } from '../toml/parse.js';
import { isDropInName, isV1 } from './registries-conf.js';

export interface RegistriesConfSummary {
  path: string;
  exists: boolean;
  /** v1 = `[registries.search|insecure|block]` lists, as c/image decides; v2 otherwise. Unset: no parse. */
  format?: 'v1' | 'v2';
  /** `prefix` (or `location`, c/image's default) of each `[[registry]]` in the main file, as written. */
  prefixes: string[];
  dropInDir: string;
  /** The names c/image reads (`*.conf`). */
  dropIns: string[];
}

export function summarizeRegistriesConf(
  path: string,
  text: string | undefined,
  dropInDir: string,
  dropIns: string[],
): { summary: RegistriesConfSummary; diagnostics: Diagnostic[] } {
  const summary: RegistriesConfSummary = {
    path,
    exists: text !== undefined,
    prefixes: [],
    dropInDir,
    dropIns: dropIns.filter(isDropInName),
  };
  if (text === undefined) return { summary, diagnostics: [] };
  const parsed = parseTomlVerbatim(text);
  if (!parsed.ok)
    return {
      summary,
      diagnostics: [
        {
          severity: 'error',
          code: 'detect.registries-conf.syntax',
          message: `registries.conf does not parse: ${parsed.error}`,
          file: path,
          hint: 'CRI-O refuses to start with an invalid registries.conf; fix it first',
          target: 'crio',
        },
      ],
    };
  const doc = parsed.value;
  summary.format = isV1(doc) ? 'v1' : 'v2';
  // Tolerant of wrong types (loadRegistriesConf reports those): only string values count.
  for (const r of Array.isArray(doc.registry) ? doc.registry : []) {
    if (!isTable(r)) continue;
    const p = typeof r.prefix === 'string' && r.prefix !== '' ? r.prefix : r.location;
    if (typeof p === 'string') summary.prefixes.push(p);
  }
  const diagnostics: Diagnostic[] =
    summary.format === 'v1'
      ? [
          {
            severity: 'warning',
            code: 'detect.registries-conf.v1',
            message:
              'registries.conf uses the v1 format ([registries.search]); drop-ins must not repeat its registries',
            file: path,
            target: 'crio',
            hint: 'convert it to v2 ([[registry]] tables) before adding mirrors',
          },
        ]
      : [];
  return { summary, diagnostics };
}
