// deploy/ is the kustomize base generated from src/cluster/kustomize.ts: it must be current, and
// structurally renderable by `kubectl kustomize deploy/` offline (kubectl is not installed here, so
// the checks kustomize makes are made by hand: files exist, generator names match references).
import { existsSync, readFileSync } from 'node:fs';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { controlSchema } from '../../src/cluster/agent-protocol.js';
import { runTick } from '../../src/cluster/agent-tick.js';
import { buildKustomizeBase, KUSTOMIZE_IMAGE } from '../../src/cluster/kustomize.js';
import { SPEC_CONFIGMAP } from '../../src/cluster/names.js';

const dir = new URL('../../deploy/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

interface Kustomization {
  resources: string[];
  configMapGenerator: Array<{ name: string; files: string[]; options?: { disableNameSuffixHash?: boolean } }>;
  images: Array<{ name: string }>;
  namespace: string;
}

describe('deploy/ kustomize base', () => {
  it('is current (run `npm run gen:deploy`)', () => {
    for (const [name, content] of Object.entries(buildKustomizeBase())) {
      if (name === 'mirrors.yaml') expect(existsSync(new URL(name, dir))).toBe(true);
      else expect(read(name), name).toBe(content);
    }
  });

  it('renders offline: every file exists, references resolve, objects validate', () => {
    const k = parse(read('kustomization.yaml')) as Kustomization;
    for (const f of [...k.resources, ...k.configMapGenerator.flatMap((g) => g.files)])
      expect(existsSync(new URL(f, dir)), f).toBe(true);
    const ns = parse(read('namespace.yaml'));
    new Namespace(ns).validate();
    const ds = parse(read('daemonset.yaml'));
    new DaemonSet(ds).validate();
    const volumes = ds.spec.template.spec.volumes as Array<{ configMap?: { name: string } }>;
    const cmRefs = volumes.flatMap((v) => (v.configMap ? [v.configMap.name] : []));
    expect(cmRefs).toEqual([SPEC_CONFIGMAP]);
    const gen = k.configMapGenerator.find((g) => g.name === SPEC_CONFIGMAP);
    expect(gen?.options?.disableNameSuffixHash).toBe(true);
    expect(ds.spec.template.spec.containers[0].image).toBe(`${KUSTOMIZE_IMAGE}:latest`);
    expect(k.images[0]?.name).toBe(KUSTOMIZE_IMAGE);
    expect(k.namespace).toBe(ns.metadata.name);
  });

  it("control.json ('*') lets an agent apply whatever spec is mounted, restart included", async () => {
    const control = controlSchema.parse(JSON.parse(read('control.json')));
    const specText = read('mirrors.yaml');
    const r = await runTick(
      { node: 'n1', control, specText, last: undefined, now: new Date(0) },
      {
        reconcile: async (i) => ({
          status: 'applied',
          action: 'restart',
          exitCode: 0,
          message: i.dryRun ? 'plan' : 'done',
          diagnostics: [],
        }),
        uninstall: async () => ({
          status: 'applied',
          action: 'none',
          exitCode: 0,
          message: '',
          diagnostics: [],
        }),
        root: '/host',
        specFile: '/config/mirrors.yaml',
        healthTimeoutMs: 1000,
      },
    );
    expect(r?.status).toBe('applied');
    expect(r?.revision).not.toBe('*');
  });
});
