// preflight: for every image × target, resolve the runtime's request sequence with explain's
// code (so tag vs digest, digest-only mirrors and fallback rules match), probe the endpoints in
// that order like the runtime would, and classify. Each distinct URL is probed once.
import type { Diagnostic } from '../diagnostics.js';
import { explainImage } from '../explain/explain-image.js';
import type { ManifestProbe, RegistryClient } from '../registry/client.js';
import { isSchema1 } from '../registry/manifest-media.js';
import { parseImageRef } from '../registry/reference.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { mapLimit } from '../util/map-limit.js';
import { parseVersion } from '../util/version.js';
import { classify, stopsAtInvalid } from './classify.js';
import type { CollectedImage } from './collect.js';
import { endpointFor, isCovered, repositoryOf } from './endpoint.js';
import {
  type ImageCheck,
  PREFLIGHT_API_VERSION,
  type PreflightReport,
  type PreflightSummary,
  type ProbedRequest,
  type TargetCheck,
} from './types.js';

export interface TargetRuntime {
  target: Target;
  runtimeVersion?: string;
}

export interface PreflightInput {
  spec: MirrorSet;
  assets: SpecAssets;
  images: CollectedImage[];
  targets: TargetRuntime[];
  client: RegistryClient;
  concurrency: number;
  /** Diagnostics gathered while collecting images; an error (an invalid ref) fails the report. */
  diagnostics?: Diagnostic[];
  onProgress?: (done: number, total: number) => void;
}

export async function runPreflight(input: PreflightInput): Promise<PreflightReport> {
  const probes = new Map<string, Promise<ManifestProbe>>();
  const probeOnce = (url: string): Promise<ManifestProbe> => {
    let p = probes.get(url);
    if (!p) {
      p = input.client.headManifest(url, repositoryOf(url), endpointFor(input.spec, input.assets, url));
      probes.set(url, p);
    }
    return p;
  };
  const diagnostics: Diagnostic[] = [...(input.diagnostics ?? [])];
  let done = 0;
  input.onProgress?.(0, input.images.length);

  const images = await mapLimit(input.images, input.concurrency, async (image): Promise<ImageCheck> => {
    const targets: TargetCheck[] = [];
    for (const t of input.targets) {
      // The same resolution as `mirrorctl explain`, so the two can never disagree.
      const opts =
        t.runtimeVersion === undefined
          ? { assets: input.assets }
          : { assets: input.assets, runtimeVersion: t.runtimeVersion };
      const explained = explainImage(input.spec, image.reference, t.target, opts);
      for (const d of explained.diagnostics)
        if (d.severity !== 'info') diagnostics.push({ ...d, target: t.target });
      const requests: ProbedRequest[] = [];
      let served = false;
      for (const r of 'requests' in explained ? explained.requests : []) {
        const base = { url: r.url, role: r.role, capability: r.capability };
        // The runtime stops at the first endpoint that serves the manifest.
        if (served) {
          requests.push({ ...base, outcome: 'not-tried' });
          continue;
        }
        const probe = forTarget(await probeOnce(r.url), t);
        requests.push(toProbed(base, probe));
        served = probe.outcome === 'found' || (probe.outcome === 'invalid' && stopsAtInvalid(t.target));
      }
      const parsed = parseImageRef(image.reference);
      targets.push(classify(t.target, requests, parsed.ok && isCovered(input.spec, parsed.ref, t.target)));
    }
    input.onProgress?.(++done, input.images.length);
    return { reference: image.reference, origins: image.origins, targets };
  });

  const summary = summarize(images);
  return {
    apiVersion: PREFLIGHT_API_VERSION,
    kind: 'PreflightReport',
    spec: input.spec.name,
    targets: input.targets.map((t) => t.target),
    // Spec/render findings are reported, but only a pull that would fail fails preflight.
    ok:
      summary.missing + summary.unreachable + summary.invalid === 0 &&
      !(input.diagnostics ?? []).some((d) => d.severity === 'error'),
    summary,
    images,
    diagnostics: dedupe(diagnostics),
  };
}

/** containerd 2.0+ refuses Docker schema 1 manifests ("no longer supported since containerd v2.0",
 *  core/remotes/docker/resolver.go); 1.x, c/image and dockerd still pull them. */
function forTarget(probe: ManifestProbe, t: TargetRuntime): ManifestProbe {
  if (probe.outcome !== 'found' || !isSchema1(probe.mediaType)) return probe;
  const v = t.runtimeVersion === undefined ? undefined : parseVersion(t.runtimeVersion);
  if (!t.target.startsWith('containerd') || !v || v.major < 2) return probe;
  return {
    outcome: 'invalid',
    httpStatus: probe.httpStatus,
    mediaType: probe.mediaType,
    message: `answered a Docker schema 1 manifest (${probe.mediaType}): containerd ${t.runtimeVersion} refuses schema 1 (push the image as OCI or Docker v2)`,
    latencyMs: probe.latencyMs,
    requests: probe.requests,
  };
}

/** A probe as the report records it (also verify's evidence, for the sources it probes). */
export function toProbed(
  base: Pick<ProbedRequest, 'url' | 'role' | 'capability'>,
  probe: ManifestProbe,
): ProbedRequest {
  const out: ProbedRequest = { ...base, outcome: probe.outcome, latencyMs: probe.latencyMs };
  if (probe.httpStatus !== undefined) out.httpStatus = probe.httpStatus;
  if (probe.outcome === 'found') {
    out.digest = probe.digest;
    out.mediaType = probe.mediaType;
    out.digestChecked = probe.digestChecked;
  }
  if (probe.outcome === 'invalid' && probe.mediaType) out.mediaType = probe.mediaType;
  if (probe.outcome === 'error' && probe.failure) out.failure = probe.failure;
  if (probe.outcome === 'error' || probe.outcome === 'unauthorized' || probe.outcome === 'invalid')
    out.message = probe.message;
  return out;
}

function summarize(images: ImageCheck[]): PreflightSummary {
  const s: PreflightSummary = {
    images: images.length,
    checks: 0,
    mirror: 0,
    source: 0,
    missing: 0,
    unreachable: 0,
    invalid: 0,
    breaksWithoutFallback: 0,
  };
  for (const image of images) {
    for (const t of image.targets) {
      s.checks++;
      s[t.status]++;
      if (t.breaksWithoutFallback) s.breaksWithoutFallback++;
    }
  }
  return s;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.target ?? ''}|${d.file ?? ''}|${d.line ?? ''}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
