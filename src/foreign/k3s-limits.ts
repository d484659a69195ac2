// What a spec can say that k3s/RKE2 registries.yaml cannot: errors keep an entry out of the file,
// warnings name what is dropped or widened (k3s falls back to the source and mirrors whole hosts).
import type { Diagnostic } from '../diagnostics.js';
import type { RegistryEntry } from '../spec/types.js';
import type { RancherFlavor } from './k3s-registries-yaml.js';

export const mirrorField = (e: RegistryEntry, j: number): string =>
  `spec.registries[${e.index}].mirrors[${j}]`;

export function lossWarnings(e: RegistryEntry, flavor: RancherFlavor): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (code: string, field: string, message: string, hint: string): void => {
    out.push({ severity: 'warning', code: `render.${flavor}.${code}`, field, target: flavor, message, hint });
  };
  if (!e.fallback)
    warn(
      'fallback',
      `spec.registries[${e.index}].fallback`,
      `${flavor} always falls back to ${e.sourceHost} after the mirrors; registries.yaml cannot turn that off per registry`,
      `start ${flavor} with --disable-default-registry-endpoint (all registries) to keep pulls on the mirrors`,
    );
  if (e.sourcePath !== '')
    warn(
      'prefix-scope',
      `spec.registries[${e.index}].source`,
      `${flavor} mirrors whole registries: images of ${e.sourceHost} outside ${e.source}/ are also tried on the mirrors first (not rewritten), then on ${e.sourceHost}`,
      'make sure the mirror answers 404 quickly for repositories it does not hold',
    );
  e.mirrors.forEach((m, j) => {
    const f = mirrorField(e, j);
    if (m.dialTimeout !== undefined)
      warn(
        'dial-timeout',
        `${f}.dialTimeout`,
        `registries.yaml has no dial timeout; ${m.dialTimeout} is dropped`,
        'remove dialTimeout for this target',
      );
    if (!m.capabilities.includes('resolve') || !m.capabilities.includes('pull'))
      warn(
        'capabilities',
        `${f}.capabilities`,
        `${flavor} gives every endpoint pull and resolve; capabilities [${m.capabilities.join(', ')}] are not kept`,
        'use the default capabilities for this target',
      );
  });
  return out;
}

export function mirrorErrors(e: RegistryEntry, flavor: RancherFlavor): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (code: string, field: string, message: string, hint: string): void => {
    out.push({ severity: 'error', code: `render.${flavor}.${code}`, field, target: flavor, message, hint });
  };
  if (e.sourceHost.startsWith('*.'))
    err(
      'wildcard-domain',
      `spec.registries[${e.index}].source`,
      `${flavor} mirrors are keyed by exact registry host (or "*"); ${e.source} cannot be expressed`,
      'list each registry host explicitly, or use source "*"',
    );
  e.mirrors.forEach((m, j) => {
    const f = mirrorField(e, j);
    if (m.pullFrom !== 'all')
      err(
        'pull-from',
        `${f}.pullFrom`,
        `${flavor} uses every endpoint for tags and digests alike; pullFrom ${m.pullFrom} cannot be expressed`,
        'use pullFrom: all for this target, or target crio/openshift (pull-from-mirror)',
      );
    if (Object.keys(m.headers).length > 0)
      err(
        'headers',
        `${f}.headers`,
        `registries.yaml has no request headers (only configs.<host>.auth)`,
        'put credentials in configs.<mirror host>.auth of registries.yaml yourself; mirrorctl keeps that key',
      );
  });
  return out;
}
