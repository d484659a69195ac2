// Steps 2 and 3 of verify: probe the mirrors for each image exactly as the runtime would request it
// (preflight's resolution = explain's), then pull through the runtime's CRI and time it.
import type { CriClient } from '../host/cri-port.js';
import type { RegistryClient } from '../registry/client.js';
import type { MirrorSet, SpecAssets, Target } from '../spec/types.js';
import { runPreflight } from './run.js';
import type { VerifyCheck } from './verify-types.js';

export async function mirrorChecks(input: {
  spec: MirrorSet;
  assets: SpecAssets;
  images: string[];
  target: Target;
  runtimeVersion?: string;
  client: RegistryClient;
}): Promise<VerifyCheck[]> {
  const report = await runPreflight({
    spec: input.spec,
    assets: input.assets,
    images: input.images.map((reference) => ({ reference, origins: ['--image'] })),
    targets: [
      { target: input.target, ...(input.runtimeVersion ? { runtimeVersion: input.runtimeVersion } : {}) },
    ],
    client: input.client,
    concurrency: 4,
  });
  return report.images.map((img) => {
    const t = img.targets[0];
    if (!t) return { id: `mirror:${img.reference}`, ok: false, counted: true, detail: 'not resolved' };
    const served = t.requests.find((r) => r.url === t.servedBy);
    const tried = t.requests
      .filter((r) => r.outcome !== 'not-tried')
      .map((r) => `${r.role} ${r.url} → ${r.outcome}${r.httpStatus ? ` ${r.httpStatus}` : ''}`)
      .join('; ');
    return {
      id: `mirror:${img.reference}`,
      ok: t.status === 'mirror',
      counted: true,
      detail:
        t.status === 'mirror'
          ? `served by mirror ${t.servedBy} (${t.digest ?? 'digest unknown'})`
          : `${t.reason ?? t.status}${tried ? ` [${tried}]` : ''}`,
      ...(served?.latencyMs !== undefined ? { latencyMs: served.latencyMs } : {}),
    };
  });
}

export async function pullChecks(cri: CriClient, images: string[]): Promise<VerifyCheck[]> {
  const out: VerifyCheck[] = [];
  for (const ref of images) {
    const t0 = Date.now();
    const r = await cri.pullImage(ref);
    const ms = Date.now() - t0;
    out.push(
      r.ok
        ? {
            id: `pull:${ref}`,
            ok: true,
            counted: true,
            detail: `pulled through the CRI as ${r.value}`,
            latencyMs: ms,
          }
        : {
            id: `pull:${ref}`,
            ok: false,
            counted: true,
            detail: `${r.error.kind}: ${r.error.details}`,
            latencyMs: ms,
          },
    );
  }
  return out;
}
