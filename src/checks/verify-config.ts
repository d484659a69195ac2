// Step 1 of verify: is mirrorctl's configuration in force? Files as last applied (hashes), the
// expected spec, and — through the CRI, the API kubelet uses — the runtime really loaded it, a
// deferred restart included.

import type { Diagnostic } from '../diagnostics.js';
import { criLoadedConfigPath } from '../formats/containerd-cri-status.js';
import type { CriClient } from '../host/cri-port.js';
import type { HostFs } from '../host/ports.js';
import { describePending } from '../transaction/pending-action.js';
import { nodeStatus, readPendingAction } from '../transaction/status.js';
import type { VerifyCheck } from './verify-types.js';

export async function stateChecks(fs: HostFs, stateDir: string, specHash?: string): Promise<VerifyCheck[]> {
  const s = await nodeStatus(fs, stateDir);
  const out: VerifyCheck[] = [];
  if (!s.lastApply) {
    out.push({
      id: 'applied',
      ok: false,
      counted: true,
      detail: 'mirrorctl has not applied a spec on this node',
    });
    return out;
  }
  const a = s.lastApply;
  out.push({
    id: 'applied',
    ok: !s.pendingJournal,
    counted: true,
    detail: s.pendingJournal
      ? `transaction ${s.pendingJournal.txid} (${s.pendingJournal.kind}) was interrupted: run mirrorctl apply again`
      : `MirrorSet "${a.specName ?? '?'}" (${(a.specHash ?? '').slice(0, 12)}) applied at ${a.at}`,
  });
  const bad = s.files.filter((f) => f.state !== 'ok');
  out.push({
    id: 'files',
    ok: bad.length === 0,
    counted: true,
    detail:
      bad.length === 0
        ? `${s.files.length} file(s) match the last apply (sha256)`
        : bad.map((f) => `${f.path}: ${f.state}`).join('; '),
  });
  if (specHash) {
    out.push({
      id: 'spec',
      ok: a.specHash === specHash,
      counted: true,
      detail:
        a.specHash === specHash
          ? 'the node runs this spec'
          : `the node runs spec ${(a.specHash ?? '?').slice(0, 12)}, not ${specHash.slice(0, 12)}: run mirrorctl apply`,
    });
  }
  return out;
}

export async function criChecks(cri: CriClient, expectedHostsDir?: string): Promise<VerifyCheck[]> {
  const t0 = Date.now();
  const v = await cri.version();
  if (!v.ok) {
    return [
      {
        id: 'cri',
        ok: false,
        counted: true,
        detail: `${v.error.kind}: ${v.error.details} (${cri.endpoint})`,
      },
    ];
  }
  const out: VerifyCheck[] = [
    {
      id: 'cri',
      ok: true,
      counted: true,
      detail: `${v.value.runtimeName} ${v.value.runtimeVersion} answers on ${cri.endpoint}`,
      latencyMs: Date.now() - t0,
    },
  ];
  if (expectedHostsDir === undefined) return out;
  const st = await cri.status(true);
  const loaded = st.ok ? criLoadedConfigPath(st.value.info) : undefined;
  if (loaded === undefined) {
    out.push({
      id: 'config-path',
      ok: true,
      counted: false,
      detail: 'the runtime does not report its registry config',
    });
  } else {
    out.push({
      id: 'config-path',
      ok: loaded === expectedHostsDir,
      counted: true,
      detail:
        loaded === expectedHostsDir
          ? `CRI loaded config_path = "${loaded}"`
          : `CRI runs with config_path = "${loaded}", expected "${expectedHostsDir}": restart containerd to load config.toml`,
    });
  }
  return out;
}

/**
 * A restart/reload deferred by --no-runtime-action (issue 15.3): failed until it is done. containerd
 * shows it done when its CRI Status reports the config_path the deferred change set; then it is
 * cleared from state.json (`clear`), so status and the next apply stop reporting it.
 */
export async function pendingActionChecks(
  fs: HostFs,
  stateDir: string,
  cri: CriClient | undefined,
  clear: (txid: string) => Promise<'cleared' | 'gone' | Diagnostic>,
): Promise<VerifyCheck[]> {
  const read = await readPendingAction(fs, stateDir);
  if (!read.ok || !read.value) return [];
  const p = read.value;
  const fail = (why: string): VerifyCheck[] => [
    { id: 'runtime-action', ok: false, counted: true, detail: `${describePending(p)} is not done: ${why}` },
  ];
  const want = p.evidence?.criConfigPath;
  if (want === undefined)
    return fail('nothing shows it done (its change left config_path as it was): run mirrorctl apply');
  if (!cri) return fail('no CRI socket to observe it: run mirrorctl apply');
  const st = await cri.status(true);
  const loaded = st.ok ? criLoadedConfigPath(st.value.info) : undefined;
  if (loaded !== want)
    return fail(
      loaded === undefined
        ? 'the runtime does not report its registry config: run mirrorctl apply'
        : `CRI runs with config_path = "${loaded}", not "${want}": ${p.action.service} was not restarted`,
    );
  const cleared = await clear(p.txid);
  const note =
    cleared === 'cleared'
      ? 'cleared from state.json'
      : cleared === 'gone'
        ? 'already settled by another run'
        : `not cleared: ${cleared.message}`;
  return [
    {
      id: 'runtime-action',
      ok: true,
      counted: true,
      detail: `${describePending(p)}: done — CRI loaded config_path = "${loaded}" (${note})`,
    },
  ];
}
