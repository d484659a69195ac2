// The implementation of `mirrorctl rollout` (rollout.ts holds its flags and help), loaded only when
// the verb runs.
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { ExitCode } from '../../exit-codes.js';
import type { Kube } from '../../host/kube-port.js';
import { tryReadLocalText } from '../../host/local-files.js';
import { loadSpec, type SecretLoadOptions } from '../../spec/load.js';
import type { MirrorSet, SpecAssets } from '../../spec/types.js';
import {
  type FollowFlags,
  fail,
  failDiagnostics,
  followFlags,
  followWithProgress,
  writeResult,
} from '../cluster-follow.js';
import { type OptionValues, optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { writeDiagnostics, writeDoc } from '../output.js';
import { kubeFromOptions } from './kube-options.js';
import { movedFlags } from './rollout-moved.js';

interface Loaded {
  spec: MirrorSet;
  assets: SpecAssets;
  doc: Record<string, unknown>;
  path: string;
}

/** The spec file, validated as `apply -f` validates it; Secrets it names are read from the API. */
async function loadFile(
  ctx: CliContext,
  file: string,
  opts: SecretLoadOptions,
): Promise<Loaded | Diagnostic[]> {
  const path = resolve(ctx.cwd, file);
  const loaded = await loadSpec(path, async (p) => (await tryReadLocalText(p)) ?? null, opts);
  writeDiagnostics(
    ctx,
    loaded.diagnostics.filter((d) => d.severity !== 'error'),
  );
  const text = await tryReadLocalText(path);
  if (!loaded.spec || text === undefined || hasErrors(loaded.diagnostics)) return loaded.diagnostics;
  return { spec: loaded.spec, assets: loaded.assets, doc: parseYaml(text) as Record<string, unknown>, path };
}

/** A MirrorSet with a deletionTimestamp: the controller is uninstalling it; a new spec would not stop that. */
async function deleting(kube: Kube, name: string): Promise<boolean> {
  const { mirrorSetRef } = await import('../../cluster/client/resources.js');
  const live = await kube.get(mirrorSetRef(name));
  return live?.metadata?.deletionTimestamp !== undefined && live.metadata.deletionTimestamp !== null;
}

const apiSecrets = (kube: Kube): SecretLoadOptions => ({
  resolveSecret: async (ref) => {
    const s = (await kube.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: ref.name,
      namespace: ref.namespace,
    })) as { data?: Record<string, string> } | undefined;
    if (!s) return undefined;
    return Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  },
});

async function dryRun(ctx: CliContext, file: string, f: FollowFlags): Promise<number> {
  const l = await loadFile(ctx, file, { unresolvedSecrets: 'warning' });
  if (Array.isArray(l)) return failDiagnostics(ctx, l);
  const { storedSpec } = await import('../../cluster/client/stored-spec.js');
  const { dryRunObjects } = await import('../../cluster/client/publish.js');
  const stored = storedSpec(l.doc, l.spec, l.assets, l.path);
  if (hasErrors(stored.diagnostics)) return failDiagnostics(ctx, stored.diagnostics);
  const objects = dryRunObjects(l.spec.name, stored);
  if (f.output === 'json') writeDoc(ctx, 'json', { apiVersion: 'v1', kind: 'List', items: objects });
  else {
    const { stringify } = await import('yaml');
    ctx.stdout.write(objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n'));
  }
  return ExitCode.OK;
}

async function resumeOnly(ctx: CliContext, kube: Kube, name: string, f: FollowFlags): Promise<number> {
  const { updateExisting } = await import('../../cluster/client/apply-object.js');
  const { mirrorSetRef } = await import('../../cluster/client/resources.js');
  const { ANNOTATIONS } = await import('../../cluster/api/meta.js');
  const token = new Date().toISOString();
  const made = await updateExisting(kube, mirrorSetRef(name), (live) => ({
    ...live,
    metadata: {
      ...live.metadata,
      annotations: { ...(live.metadata?.annotations ?? {}), [ANNOTATIONS.resume]: token },
    },
  }));
  if (!made) return fail(ctx, `MirrorSet ${name} does not exist`);
  ctx.stderr.write(`✓ MirrorSet ${name}: resume requested (mirrorctl.io/resume=${token})\n`);
  return finish(ctx, kube, name, { mode: 'apply', resumeToken: token }, f, 'unchanged');
}

async function finish(
  ctx: CliContext,
  kube: Kube,
  name: string,
  expect: { mode: 'apply'; generation?: number; resumeToken?: string },
  f: FollowFlags,
  outcome: string,
): Promise<number> {
  if (!f.wait) {
    writeResult(
      ctx,
      f,
      { kind: 'RolloutResult', mirrorSet: name, outcome, followed: false },
      `MirrorSet ${name} ${outcome}`,
    );
    return ExitCode.OK;
  }
  const r = await followWithProgress(ctx, kube, name, expect, f);
  const revision = r.set?.status?.revision;
  writeResult(
    ctx,
    f,
    {
      kind: 'RolloutResult',
      mirrorSet: name,
      outcome,
      revision,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      message: r.message,
      status: r.set?.status,
    },
    `MirrorSet ${name}${revision ? ` revision ${revision}` : ''}: ${r.message}`,
  );
  return r.exitCode;
}

export async function runRollout(ctx: CliContext, o: OptionValues): Promise<number> {
  const moved = movedFlags(o);
  const f = followFlags(o);
  if (moved.length > 0 || Array.isArray(f))
    return failDiagnostics(ctx, [...moved, ...(Array.isArray(f) ? f : [])]);
  const file = optString(o, 'file');
  const name = optString(o, 'name');
  if (!file && !(optBool(o, 'resume') && name))
    return fail(
      ctx,
      '-f, --file <spec> is required (or --resume --name <MirrorSet> to resume without a change)',
    );
  if (file && optBool(o, 'dryRun')) return dryRun(ctx, file, f);
  const kube = await kubeFromOptions(ctx, o);
  if (!file && name) return resumeOnly(ctx, kube, name, f);
  const l = await loadFile(ctx, file as string, apiSecrets(kube));
  if (Array.isArray(l)) return failDiagnostics(ctx, l);
  const [{ isOpenShiftCluster }, { installed, publish }, { storedSpec }] = await Promise.all([
    import('../../cluster/openshift-apply.js'),
    import('../../cluster/client/publish.js'),
    import('../../cluster/client/stored-spec.js'),
  ]);
  if (isOpenShiftCluster((await kube.listNodes()).items)) {
    const { openShiftRollout } = await import('./rollout-openshift.js');
    return openShiftRollout(ctx, kube, l.spec, l.assets, f);
  }
  if (!(await installed(kube)))
    return fail(
      ctx,
      'mirrorctl is not installed in this cluster (no MirrorSet CRD): run `mirrorctl install` (or kubectl apply -k deploy/)',
    );
  const stored = storedSpec(l.doc, l.spec, l.assets, l.path);
  if (hasErrors(stored.diagnostics)) return failDiagnostics(ctx, stored.diagnostics);
  const setName = l.spec.name;
  if (await deleting(kube, setName))
    return fail(
      ctx,
      `MirrorSet ${setName} is being deleted (its nodes are being uninstalled); wait for \`mirrorctl uninstall --cluster --name ${setName}\` to finish, then roll it out again`,
      ExitCode.FAILED_RESTORED,
    );
  const token = optBool(o, 'resume') ? new Date().toISOString() : undefined;
  const p = await publish(kube, setName, stored, token);
  if (!ctx.quiet) {
    for (const s of p.secretsCreated) ctx.stderr.write(`✓ Secret mirrorctl/${s} created\n`);
    ctx.stderr.write(
      `✓ MirrorSet ${setName} ${p.outcome} (generation ${p.generation})${token ? `; resume requested (${token})` : ''}\n`,
    );
    for (const s of p.secretsDeleted)
      ctx.stderr.write(`✓ Secret mirrorctl/${s} deleted (no revision names it)\n`);
  }
  return finish(
    ctx,
    kube,
    setName,
    { mode: 'apply', generation: p.generation, ...(token ? { resumeToken: token } : {}) },
    f,
    p.outcome,
  );
}
