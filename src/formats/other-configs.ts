// Existing registry settings of CRI-O/Podman (registries.conf + .d) and Docker (daemon.json),
// summarised for `detect`/`plan`. The v1 registries.conf format is read-only for mirrorctl.
import { parse } from 'smol-toml';
import type { Diagnostic } from '../diagnostics.js';

export interface RegistriesConfSummary {
  path: string;
  exists: boolean;
  /** v1 = `[registries.search]`-style tables; v2 = `[[registry]]`/unqualified-search-registries. */
  format?: 'v1' | 'v2';
  /** `prefix` (or `location`) of each `[[registry]]` in the main file. */
  prefixes: string[];
  dropInDir: string;
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
    dropIns: dropIns.filter((n) => n.endsWith('.conf')),
  };
  if (text === undefined) return { summary, diagnostics: [] };
  try {
    const doc = parse(text);
    const regs = doc.registries;
    summary.format = typeof regs === 'object' && regs !== null && !Array.isArray(regs) ? 'v1' : 'v2';
    if (Array.isArray(doc.registry)) {
      for (const r of doc.registry) {
        if (typeof r !== 'object' || r === null) continue;
        const rec = r as Record<string, unknown>;
        const p = typeof rec.prefix === 'string' && rec.prefix !== '' ? rec.prefix : rec.location;
        if (typeof p === 'string') summary.prefixes.push(p);
      }
    }
  } catch (err) {
    return {
      summary,
      diagnostics: [
        {
          severity: 'error',
          code: 'detect.registries-conf.syntax',
          message: `registries.conf does not parse: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
          file: path,
          hint: 'CRI-O refuses to start with an invalid registries.conf; fix it first',
          target: 'crio',
        },
      ],
    };
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

export interface DaemonJsonSummary {
  path: string;
  exists: boolean;
  registryMirrors: string[];
  insecureRegistries: string[];
}

export function summarizeDaemonJson(
  path: string,
  text: string | undefined,
): { summary: DaemonJsonSummary; diagnostics: Diagnostic[] } {
  const summary: DaemonJsonSummary = {
    path,
    exists: text !== undefined,
    registryMirrors: [],
    insecureRegistries: [],
  };
  if (text === undefined || text.trim() === '') return { summary, diagnostics: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return {
      summary,
      diagnostics: [
        {
          severity: 'error',
          code: 'detect.daemon-json.syntax',
          message: `daemon.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
          file: path,
          target: 'docker',
          hint: 'dockerd refuses to start with this file; fix it first',
        },
      ],
    };
  }
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const rec = doc as Record<string, unknown>;
    const list = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    summary.registryMirrors = list(rec['registry-mirrors']);
    summary.insecureRegistries = list(rec['insecure-registries']);
  }
  return { summary, diagnostics: [] };
}
