// deploy/ is the kustomize base generated from src/cluster/kustomize.ts: it must be current, and
// `kubectl kustomize deploy/` must render it offline (the real kubectl on PATH) into exactly the
// objects `mirrorctl install` builds plus the sample MirrorSet, each valid against the Kubernetes
// OpenAPI schemas (kubernetes-models) — the MirrorSet against its own generated CRD. The optional
// node-scoped-agent component and an air-gap image override are rendered the same way.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { VERSION } from '../../src/cli/version.js';
import { buildMirrorSetCrd } from '../../src/cluster/api/crds.js';
import { IMAGE_PATHS, imageRef } from '../../src/cluster/api/pod-contract.js';
import { buildKustomizeBase, COMPONENT_DIR, USER_FILES } from '../../src/cluster/kustomize.js';
import { buildInstallManifests } from '../../src/cluster/manifests.js';
import { buildNodeScopedPolicy } from '../../src/cluster/manifests-policy.js';
import { validateAgainstCrd } from './api/crd-validate.js';
import { VALIDATORS } from './k8s-validators.js';

const DEPLOY = join(import.meta.dirname, '../../deploy');
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

/** `kubectl kustomize DIR`: the real kubectl (kustomize built in); a missing kubectl fails the test. */
function kustomize(dir: string): Obj[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Obj | null)
    .filter((d): d is Obj => d !== null);
}

const key = (o: Obj): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (objs: readonly Obj[]): Map<string, Obj> => new Map(objs.map((o) => [key(o), o]));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [relative(DEPLOY, p)];
  });
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** kubectl's client minor version (Google's build says `32+`). */
function kubectlMinor(): number {
  const out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  return Number.parseInt((JSON.parse(out) as { clientVersion: { minor: string } }).clientVersion.minor, 10);
}

describe('deploy/ kustomize base', () => {
  it('the kubectl on PATH renders kustomize components (≥ 1.21; Debian 12 ships 1.20 — scripts/setup-e2e.sh provides one for CI)', () => {
    expect(kubectlMinor()).toBeGreaterThanOrEqual(21);
  });

  it('is current (run `npm run gen:deploy`), and holds nothing else but README.md', () => {
    const base = buildKustomizeBase(VERSION);
    for (const [name, content] of Object.entries(base)) {
      if (USER_FILES.has(name)) expect(existsSync(join(DEPLOY, name)), name).toBe(true);
      else expect(readFileSync(join(DEPLOY, name), 'utf8'), name).toBe(content);
    }
    expect(filesUnder(DEPLOY).sort()).toEqual([...Object.keys(base), 'README.md'].sort());
  });

  const rendered = kustomize(DEPLOY);

  it('`kubectl kustomize deploy/` renders the install manifests plus the sample MirrorSet, nothing else', () => {
    const expected = byKey([...(buildInstallManifests({ image: imageRef(VERSION) }) as Obj[])]);
    const got = byKey(rendered);
    const sample = rendered.filter((o) => o.kind === 'MirrorSet');
    expect(sample.map((o) => o.metadata.name)).toEqual(['example']);
    expect([...got.keys()].filter((k) => !k.startsWith('MirrorSet/')).sort()).toEqual(
      [...expected.keys()].sort(),
    );
    for (const [k, o] of expected) expect(got.get(k), k).toEqual(o);
  });

  it.each(kustomize(DEPLOY).map((o) => [key(o), o] as const))('%s validates', (_k, o) => {
    if (o.kind === 'MirrorSet') {
      const schema = buildMirrorSetCrd().spec.versions[0]?.schema.openAPIV3Schema ?? {};
      const r = validateAgainstCrd(schema, o);
      expect([...r.errors, ...r.pruned]).toEqual([]);
      return;
    }
    const validate = VALIDATORS[o.kind];
    expect(validate, `validator for ${o.kind}`).toBeDefined();
    expect(() => validate?.(o)).not.toThrow();
  });

  it('images: the package version, never latest, one repository', () => {
    const images = JSON.stringify(rendered).match(/"image":"[^"]+"/g) ?? [];
    expect(images.length).toBe(5);
    expect(new Set(images)).toEqual(new Set([`"image":"ghcr.io/mirrorctl/mirrorctl:${VERSION}"`]));
    expect(JSON.stringify(rendered)).not.toContain(':latest');
  });

  it('an overlay adds the node-scoped-agent component and moves the image to a private registry by digest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-overlay-'));
    temps.push(dir);
    const rel = relative(dir, DEPLOY);
    const digest = `sha256:${'ab'.repeat(32)}`;
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `resources: [${rel}]`,
        `components: [${rel}/${COMPONENT_DIR}]`,
        'images:',
        '  - name: ghcr.io/mirrorctl/mirrorctl',
        '    newName: registry.internal:5000/mirrorctl',
        `    digest: ${digest}`,
        '',
      ].join('\n'),
    );
    const objs = kustomize(dir);
    const policy = objs.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'));
    expect(policy).toEqual(buildNodeScopedPolicy());
    for (const o of policy) expect(() => VALIDATORS[o.kind]?.(o)).not.toThrow();
    const images = new Set(JSON.stringify(objs).match(/"image":"[^"]+"/g));
    expect(images).toEqual(new Set([`"image":"registry.internal:5000/mirrorctl@${digest}"`]));
  });
});

describe('the image layout the manifests assume', () => {
  it('scripts/image-rootfs.sh and the Dockerfile put node, the bundle, nsenter, flock and the CA bundle where the pods look', () => {
    const rootfs = readFileSync(join(DEPLOY, '../scripts/image-rootfs.sh'), 'utf8');
    const dockerfile = readFileSync(join(DEPLOY, '../Dockerfile'), 'utf8');
    for (const path of Object.values(IMAGE_PATHS)) expect(rootfs, path).toContain(path);
    expect(dockerfile).toContain('scripts/image-rootfs.sh');
    expect(dockerfile).toMatch(/^FROM node:20[-\w.]*@sha256:[0-9a-f]{64} AS build$/m);
    expect(dockerfile).toContain(`ENTRYPOINT ["${IMAGE_PATHS.node}", "${IMAGE_PATHS.bundle}"]`);
  });
});
