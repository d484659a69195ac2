// The GitOps path as deploy/README.md tells it: a copy of deploy/ (the repository's generated
// kustomize base) whose mirrors.yaml the test edits, applied with the REAL kubectl (`kubectl apply
// -k`) against the API server stand-in — CRDs, namespace, RBAC, controller Deployment, agent
// DaemonSets and the MirrorSet, as a Flux/Argo CD sync would apply them. `--validate=false` only
// because the stand-in serves no /openapi documents (kubectl downloads them to validate client-side).
// kubectl's discovery cache lives in the test's work dir (a fresh cluster gets a fresh cache).
import { execFile } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl asynchronously (the stand-in answers from this very process: never block it). */
export function kubectl(
  kubeconfig: string,
  args: readonly string[],
  timeoutMs = 120_000,
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dirname(kubeconfig), 'kube-cache'), ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface MirrorSetDoc {
  name: string;
  mirror: string;
  rollout?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export const mirrorSetYaml = (m: MirrorSetDoc): string =>
  stringify({
    apiVersion: 'mirrorctl.io/v1alpha1',
    kind: 'MirrorSet',
    metadata: { name: m.name },
    spec: {
      registries: [{ source: 'docker.io', mirrors: [{ url: m.mirror }] }],
      ...(m.rollout ? { rollout: m.rollout } : {}),
      ...m.extra,
    },
  });

export class GitOpsRepo {
  readonly dir: string;

  constructor(
    repoDeploy: string,
    workDir: string,
    private readonly kubeconfig: string,
  ) {
    this.dir = join(workDir, 'gitops', 'deploy');
    cpSync(repoDeploy, this.dir, { recursive: true });
  }

  /** Edits mirrors.yaml (the one file of deploy/ that is the user's). */
  setMirrors(doc: MirrorSetDoc): void {
    writeFileSync(join(this.dir, 'mirrors.yaml'), mirrorSetYaml(doc));
  }

  /** `kubectl apply -k deploy/` — throws with kubectl's words when it fails. */
  async sync(): Promise<string> {
    const r = await kubectl(this.kubeconfig, ['apply', '--validate=false', '-k', this.dir]);
    if (r.code !== 0) throw new Error(`kubectl apply -k exited ${r.code}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /**
   * The first sync of a fresh cluster, as deploy/README.md says it goes: kubectl resolves every kind
   * before it applies anything, so the MirrorSet of the same call fails with `ensure CRDs are
   * installed first` while everything else is created; the second apply creates it.
   */
  async install(): Promise<{ first: KubectlResult; second: string }> {
    const first = await kubectl(this.kubeconfig, ['apply', '--validate=false', '-k', this.dir]);
    return { first, second: await this.sync() };
  }
}
