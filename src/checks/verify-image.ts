// Steps 2 and 3 of verify: probe the mirrors for each image exactly as the runtime would request it
// (preflight's resolution = explain's), pull through the runtime's CRI and time it, then weigh the
// evidence that ties each pull to a mirror (verify-evidence.ts), which --strict enforces.
import type { CriClient } from '../host/cri-port.js';
import type { RegistryClient } from '../registry/client.js';
import { parseImageRef } from '../registry/reference.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { endpointFor, repositoryOf } from './endpoint.js';
import { runPreflight, toProbed } from './run.js';
import type { ProbedRequest, TargetCheck } from './types.js';
import { type PulledImage, pullEvidence } from './verify-evidence.js';
import type { VerifyCheck } from './verify-types.js';

export interface ImageChecksInput {
  images: string[];
  /** What to probe: the spec's mirrors in the target's request order (verify -f). */
  probe?: {
    spec: MirrorSet;
    assets: SpecAssets;
    target: Target;
    runtimeVersion?: string;
    client: RegistryClient;
  };
  /** The runtime to pull through; absent with --no-pull or without a CRI socket. */
  cri?: CriClient;
  strict: boolean;
}

export async function imageChecks(input: ImageChecksInput): Promise<VerifyCheck[]> {
  const probed = input.probe ? await probeImages(input.probe, input.images) : new Map<string, TargetCheck>();
  const out: VerifyCheck[] = [...probed.entries()].map(([reference, t]) => mirrorCheck(reference, t));
  if (!input.cri) {
    // Nothing was pulled: under --strict that is a missing proof, otherwise nothing to weigh.
    if (input.strict)
      for (const reference of input.images)
        out.push({
          id: `evidence:${reference}`,
          ok: false,
          counted: true,
          detail: 'no pull through the CRI (docker target, or no socket): nothing ties a pull to a mirror',
        });
    return out;
  }
  const evidence: VerifyCheck[] = [];
  for (const reference of input.images) {
    const { check, pulled } = await pullCheck(input.cri, reference);
    out.push(check);
    if (!pulled) continue;
    const t = probed.get(reference);
    const sources = t && input.probe ? await probeSources(input.probe, t) : [];
    evidence.push(
      pullEvidence({ reference, ...(t ? { check: t } : {}), sources, pulled, strict: input.strict }),
    );
  }
  return [...out, ...evidence];
}

async function probeImages(
  probe: NonNullable<ImageChecksInput['probe']>,
  images: string[],
): Promise<Map<string, TargetCheck>> {
  const report = await runPreflight({
    spec: probe.spec,
    assets: probe.assets,
    images: images.map((reference) => ({ reference, origins: ['--image'] })),
    targets: [
      { target: probe.target, ...(probe.runtimeVersion ? { runtimeVersion: probe.runtimeVersion } : {}) },
    ],
    client: probe.client,
    concurrency: 4,
  });
  const out = new Map<string, TargetCheck>();
  for (const img of report.images) {
    const t = img.targets[0];
    if (t) out.set(img.reference, t);
  }
  return out;
}

/** Says what the probe showed: the mirror's manifest digest, or what each endpoint answered. */
function mirrorCheck(reference: string, t: TargetCheck): VerifyCheck {
  const served = t.requests.find((r) => r.url === t.servedBy);
  const tried = t.requests
    .filter((r) => r.outcome !== 'not-tried')
    .map((r) => `${r.role} ${r.url} → ${r.outcome}${r.httpStatus ? ` ${r.httpStatus}` : ''}`)
    .join('; ');
  return {
    id: `mirror:${reference}`,
    ok: t.status === 'mirror',
    counted: true,
    detail:
      t.status === 'mirror'
        ? `the mirror ${t.servedBy} has manifest ${t.digest ?? '(no digest)'}` +
          `${served?.mediaType ? ` (${served.mediaType})` : ''}, first in the runtime's order`
        : `${t.reason ?? t.status}${tried ? ` [${tried}]` : ''}`,
    ...(served?.latencyMs !== undefined ? { latencyMs: served.latencyMs } : {}),
  };
}

/** CRI PullImage, then ImageStatus for the repo digests the evidence compares. */
async function pullCheck(cri: CriClient, ref: string): Promise<{ check: VerifyCheck; pulled?: PulledImage }> {
  const t0 = Date.now();
  const r = await cri.pullImage(ref);
  const latencyMs = Date.now() - t0;
  const id = `pull:${ref}`;
  if (!r.ok)
    return {
      check: { id, ok: false, counted: true, detail: `${r.error.kind}: ${r.error.details}`, latencyMs },
    };
  const status = await cri.imageStatus(ref);
  const repoDigests = status.ok && status.value ? digestsFor(ref, status.value.repoDigests) : [];
  const digests = repoDigests.length > 0 ? `, repo digest ${repoDigests.join(', ')}` : '';
  return {
    check: {
      id,
      ok: true,
      counted: true,
      detail: `pulled through the CRI: image ${r.value}${digests}`,
      latencyMs,
    },
    pulled: { imageRef: r.value, repoDigests },
  };
}

/** `icr.io/cpopen/x@sha256:…` entries for this image's name (all of them if none is), as digests. */
function digestsFor(ref: string, repoDigests: string[]): string[] {
  const parsed = parseImageRef(ref);
  const name = parsed.ok ? `${parsed.ref.registry}/${parsed.ref.repository}` : undefined;
  const split = repoDigests.map((d) => ({
    name: d.slice(0, d.lastIndexOf('@')),
    digest: d.slice(d.lastIndexOf('@') + 1),
  }));
  const mine = split.filter((d) => d.name === name);
  return [...new Set((mine.length > 0 ? mine : split).map((d) => d.digest))];
}

/** The source requests of the runtime's order with outcomes, probing those the order never reached. */
async function probeSources(
  probe: NonNullable<ImageChecksInput['probe']>,
  t: TargetCheck,
): Promise<ProbedRequest[]> {
  const out: ProbedRequest[] = [];
  for (const r of t.requests.filter((x) => x.role === 'source')) {
    if (r.outcome !== 'not-tried') {
      out.push(r);
      continue;
    }
    const endpoint = endpointFor(probe.spec, probe.assets, r.url);
    const base = { url: r.url, role: r.role, capability: r.capability };
    out.push(toProbed(base, await probe.client.headManifest(r.url, repositoryOf(r.url), endpoint)));
  }
  return out;
}
