// The implementation of `mirrorctl render` (render.ts holds its flags and help): loaded only when the
// verb runs, so --help and the other verbs do not load what it imports.
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics.js';
import { CliError, ExitCode } from '../../exit-codes.js';
import { type DistroTarget, isDistroTarget, renderDistro } from '../../foreign/render-distro.js';
import { parseTalosVersion } from '../../foreign/talos-machine-config.js';
import { DEFAULT_PATHS } from '../../formats/node-paths.js';
import { mkdirLocal, readLocalText } from '../../host/local-files.js';
import { nodeFs } from '../../host/node-fs.js';
import { desiredState, mainConfigPath } from '../../plan/desired.js';
import { nothingSelected } from '../../plan/selection.js';
import { skipInexpressible } from '../../planner/plan-node.js';
import { loadSpec } from '../../spec/load.js';
import type { Target } from '../../spec/types.js';
import type { OptionValues } from '../command.js';
import { optBool, optString } from '../command.js';
import type { CliContext } from '../context.js';
import { requireSpec } from '../node-options.js';
import { writeDiagnostics } from '../output.js';

/** The node format whose `only:` entries each distribution renders (their foreign/<format>.ts appliesTo). */
const DISTRO_READS: Record<DistroTarget, Target> = {
  k3s: 'containerd',
  rke2: 'containerd',
  talos: 'containerd',
  bottlerocket: 'containerd',
  openshift: 'crio',
};

export async function runRender(ctx: CliContext, _args: string[], opts: OptionValues): Promise<number> {
  const target = optString(opts, 'target') as Target | undefined;
  const out = optString(opts, 'out');
  if (!target)
    throw new CliError(
      'missing --target (containerd, containerd-legacy, crio or docker)',
      ExitCode.INVALID_INPUT,
    );
  if (!out) throw new CliError('missing --out DIR (where to write the node files)', ExitCode.INVALID_INPUT);
  const loaded = await loadSpec(requireSpec(opts, ctx), readLocalText);
  if (!loaded.spec || hasErrors(loaded.diagnostics)) {
    writeDiagnostics(ctx, loaded.diagnostics);
    return ExitCode.INVALID_INPUT;
  }
  const basePath = optString(opts, 'base');
  const base = basePath ? await readLocalText(resolve(ctx.cwd, basePath)) : null;
  if (basePath && base === null)
    throw new CliError(`--base ${basePath}: no such file`, ExitCode.INVALID_INPUT);
  if (isDistroTarget(target)) {
    const talosVersion = optString(opts, 'talosVersion');
    if (talosVersion !== undefined && !parseTalosVersion(talosVersion))
      throw new CliError(
        `--talos-version ${talosVersion}: not a version (1.11 or v1.11.2)`,
        ExitCode.INVALID_INPUT,
      );
    const r = renderDistro(target, loaded.spec, loaded.assets, base, talosVersion ? { talosVersion } : {});
    const diagnostics = [
      ...loaded.diagnostics,
      ...r.diagnostics,
      ...nothingSelected(loaded.spec, DISTRO_READS[target], target),
    ];
    writeDiagnostics(ctx, optBool(opts, 'skipInexpressible') ? skipInexpressible(diagnostics) : diagnostics);
    if (hasErrors(diagnostics) && !optBool(opts, 'skipInexpressible')) return ExitCode.INVALID_INPUT;
    await mkdirLocal(resolve(ctx.cwd, out));
    const fs = nodeFs({ root: resolve(ctx.cwd, out) });
    for (const f of r.files) {
      await fs.writeFileAtomic(f.path.startsWith('/') ? f.path : `/${f.path}`, f.content, f.mode);
      ctx.stdout.write(`${f.path}\n`);
    }
    if (r.next && !ctx.quiet) ctx.stderr.write(`next: ${r.next}\n`);
    return ExitCode.OK;
  }
  const version = optString(opts, 'runtimeVersion');
  const state = desiredState({
    set: loaded.spec,
    assets: loaded.assets,
    target,
    ...(version ? { runtimeVersion: version } : {}),
    paths: DEFAULT_PATHS,
    host: { mainConfig: base, dropIns: [] },
    opts: { migrateLegacy: optBool(opts, 'migrateLegacy'), keepConfigPathList: false },
  });
  let diagnostics: Diagnostic[] = [
    ...loaded.diagnostics,
    ...state.diagnostics,
    ...nothingSelected(loaded.spec, target),
  ];
  if (optBool(opts, 'skipInexpressible')) diagnostics = skipInexpressible(diagnostics);
  writeDiagnostics(ctx, diagnostics);
  if (hasErrors(diagnostics)) return ExitCode.INVALID_INPUT;
  const outDir = resolve(ctx.cwd, out);
  await mkdirLocal(outDir);
  const fs = nodeFs({ root: outDir });
  const files = [
    ...state.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode })),
    ...state.edits.map((e) => ({ path: e.path, content: e.after, mode: e.mode })),
  ];
  // A --base that needed no edit is still part of "the files as they would sit on the node".
  if (base !== null && !state.edits.some((e) => e.path === mainConfigPath(target, DEFAULT_PATHS))) {
    files.push({ path: mainConfigPath(target, DEFAULT_PATHS), content: base, mode: 0o644 });
  }
  for (const f of files.sort((a, b) => a.path.localeCompare(b.path))) {
    await fs.writeFileAtomic(f.path, f.content, f.mode);
    ctx.stdout.write(`${f.path}\n`);
  }
  return ExitCode.OK;
}
