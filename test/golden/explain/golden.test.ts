// Golden explanations: test/golden/explain/<case>/{spec.yaml, case.json, expected/explain.txt}.
// case.json lists the images and the runtime version per target; explain.txt is the CLI's text
// output for every image on every target. As root, each CRI-O explanation is also replayed with the
// real skopeo (c/image 5.23.1) on the rendered drop-in: the endpoints it tries and the /v2/ pings it
// sends must be exactly the ones explain lists. UPDATE_GOLDEN=1 rewrites expected/.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainImage } from '../../../src/explain/explain-image.js';
import { formatExplainText } from '../../../src/explain/format.js';
import type { ExplainResult } from '../../../src/explain/types.js';
import { DEFAULT_PATHS } from '../../../src/formats/node-paths.js';
import { renderRegistriesConf } from '../../../src/render/registries-conf.js';
import { TARGETS, type Target } from '../../../src/spec/types.js';
import { validateSpec } from '../../../src/spec/validate.js';
import { caseDirs, expectGolden, readIfExists } from '../containerd-golden.js';
import { skopeoAvailable, skopeoInspect } from '../crio/skopeo.js';

const ROOT = import.meta.dirname;

interface CaseFile {
  images: string[];
  versions: Partial<Record<Target, string>>;
  /** Files the spec names (auth.file, TLS), by spec path: the credential column reads them. */
  assets?: Record<string, string>;
}

function load(name: string) {
  const dir = join(ROOT, name);
  const validated = validateSpec(readIfExists(join(dir, 'spec.yaml')) ?? '', 'spec.yaml');
  expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const c = JSON.parse(readIfExists(join(dir, 'case.json')) ?? '{}') as CaseFile;
  return { spec: validated.spec!, c };
}

function explain(name: string, target: Target, image: string): ExplainResult {
  const { spec, c } = load(name);
  const v = c.versions[target];
  const assets = c.assets ?? {};
  const r = explainImage(spec, image, target, v === undefined ? { assets } : { runtimeVersion: v, assets });
  if (!('image' in r)) throw new Error(`${image}: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

describe('explain golden cases', () => {
  for (const name of caseDirs(ROOT)) {
    it(name, () => {
      const { c } = load(name);
      const blocks = c.images.flatMap((image) =>
        TARGETS.map((t) => formatExplainText(explain(name, t, image), c.versions[t])),
      );
      expectGolden(join(ROOT, name, 'expected'), { 'explain.txt': blocks.join('\n') });
    });
  }
});

/** `https://registry-1.docker.io/v2/library/nginx/manifests/latest` → `docker.io/library/nginx:latest`. */
function physicalRef(url: string): string {
  const m = /^https?:\/\/([^/]+)\/v2\/(.+)\/manifests\/(.+)$/.exec(url);
  if (!m) throw new Error(`not a manifest URL: ${url}`);
  const host = m[1] === 'registry-1.docker.io' ? 'docker.io' : m[1];
  const sep = (m[3] ?? '').startsWith('sha256:') ? '@' : ':';
  return `${host}/${m[2]}${sep}${m[3]}`;
}

describe.skipIf(!skopeoAvailable())('crio explanations match what skopeo really tries', () => {
  for (const name of caseDirs(ROOT)) {
    const { spec, c } = load(name);
    const ctx = {
      target: 'crio' as const,
      runtimeVersion: c.versions.crio,
      assets: {},
      paths: DEFAULT_PATHS,
    };
    const dropIn = renderRegistriesConf(spec, ctx).files.find((f) => f.path.endsWith('.conf'));
    for (const image of c.images) {
      it(`${name}: ${image}`, () => {
        const r = explain(name, 'crio', image);
        const run = skopeoInspect(
          '',
          dropIn ? { '50-mirrorctl-golden.conf': dropIn.content } : {},
          r.image.reference,
        );
        const blocked = new Set(
          [...run.log.matchAll(/Accessing "([^"]+)" failed: registry \S+ is blocked/g)].map((m) => m[1]),
        );
        const tried = run.tried.filter((t) => !blocked.has(t));
        const httpsRequests = r.requests.filter(
          (q, i) => i === 0 || q.url.replace(/^http:/, 'https:') !== r.requests[i - 1]?.url,
        );
        expect(tried).toEqual(httpsRequests.map((q) => physicalRef(q.url)));
        const pings = r.requests.map((q) =>
          q.url
            .replace(/(^https?:\/\/[^/]+\/v2\/).*$/, '$1')
            .replace('registry-1.docker.io', 'registry-1.docker.io'),
        );
        expect(run.pings).toEqual(pings);
      });
    }
  }
});
