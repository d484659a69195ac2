// Desired state of a k3s/RKE2 node: k3s regenerates containerd's config.toml and certs.d at every
// start from /etc/rancher/<flavor>/registries.yaml, so that file (edited in place) plus the TLS files
// it names are what mirrorctl writes; the service restart makes k3s read it.
import path from 'node:path/posix';
import type { Diagnostic } from '../diagnostics.js';
import type { FileEdit } from '../plan/build.js';
import type { DesiredState } from '../plan/desired.js';
import type { Service } from '../plan/types.js';
import { managedHeader } from '../render/header.js';
import { unsafeNames } from '../render/name-guard.js';
import type { RenderedFile } from '../render/types.js';
import type { Mirror, MirrorSet, SpecAssets } from '../spec/types.js';
import { k3sAuthFor, specToK3s, type TlsPathFor } from './k3s.js';
import { patchRegistriesYaml, type RancherFlavor, registriesYamlPath } from './k3s-registries-yaml.js';

/** TLS material mirrorctl writes for registries.yaml to name (k3s reads it by absolute path). */
export const rancherTlsDir = (flavor: RancherFlavor): string => `/etc/rancher/${flavor}/mirrorctl`;

/** Files whose presence says which systemd unit runs here (servers write the admin kubeconfig). */
export const ROLE_PROBES: Record<RancherFlavor, { agentUnit: string[]; serverMarkers: string[] }> = {
  k3s: {
    agentUnit: ['/etc/systemd/system/k3s-agent.service'],
    serverMarkers: [
      '/etc/systemd/system/k3s.service',
      '/etc/rancher/k3s/k3s.yaml',
      '/var/lib/rancher/k3s/server',
    ],
  },
  rke2: {
    agentUnit: [
      '/usr/local/lib/systemd/system/rke2-agent.service',
      '/usr/lib/systemd/system/rke2-agent.service',
    ],
    serverMarkers: [
      '/usr/local/lib/systemd/system/rke2-server.service',
      '/usr/lib/systemd/system/rke2-server.service',
      '/etc/rancher/rke2/rke2.yaml',
      '/var/lib/rancher/rke2/server',
    ],
  },
};

/** The unit to restart: an agent unit file wins, then server evidence; agents are the default. */
export function rancherService(flavor: RancherFlavor, exists: (p: string) => boolean): Service {
  const probes = ROLE_PROBES[flavor];
  const server = !probes.agentUnit.some(exists) && probes.serverMarkers.some(exists);
  if (flavor === 'k3s') return server ? 'k3s' : 'k3s-agent';
  return server ? 'rke2-server' : 'rke2';
}

export interface RancherDesiredInput {
  set: MirrorSet;
  assets: SpecAssets;
  flavor: RancherFlavor;
  /** Current registries.yaml, null when absent. */
  existing: string | null;
  service: Service;
}

/** Same shape as every other target's desired state (plan-node builds the plan from it). */
export type RancherDesired = DesiredState;

const slug = (host: string): string => host.replace(/[[\]]/g, '').replace(/:/g, '_');

export function rancherDesiredState(input: RancherDesiredInput): RancherDesired {
  const { set, flavor } = input;
  const unsafe = unsafeNames(set, flavor);
  if (unsafe.length > 0)
    return { service: input.service, files: [], ownedNeeds: 'restart', edits: [], diagnostics: unsafe };
  const files = new Map<string, RenderedFile>();
  const diagnostics: Diagnostic[] = [];
  const pathFor: TlsPathFor = (m: Mirror, kind) => {
    const specPath = kind === 'ca' ? m.tls.caFile : kind === 'cert' ? m.tls.certFile : m.tls.keyFile;
    if (specPath === undefined) return undefined;
    const content = input.assets[specPath];
    if (content === undefined) {
      diagnostics.push({
        severity: 'error',
        code: `render.${flavor}.tls-file-missing`,
        message: `${specPath} was not loaded with the spec`,
        hint: 'check the path (relative to the spec file) and that it is readable',
        target: flavor,
      });
      return undefined;
    }
    const name = kind === 'ca' ? 'ca.pem' : kind === 'cert' ? 'client-cert.pem' : 'client-key.pem';
    const p = path.join(rancherTlsDir(flavor), slug(m.host), name);
    files.set(p, {
      path: p,
      content: `${managedHeader(set.name)}${content}`,
      mode: kind === 'key' ? 0o600 : 0o644,
      ...(kind === 'key' ? { secret: true } : {}),
    });
    return p;
  };
  // registries.yaml is 0600 and marked secret: credentials go in (k3s writes them to config.toml).
  const model = specToK3s(set, flavor, pathFor, k3sAuthFor(input.assets, flavor, diagnostics));
  diagnostics.push(...model.diagnostics);
  const file = registriesYamlPath(flavor);
  const patched = patchRegistriesYaml(input.existing, model.registries, set.name, file);
  diagnostics.push(...patched.diagnostics);
  const edits: FileEdit[] =
    patched.text === undefined
      ? []
      : [
          {
            path: file,
            after: patched.text,
            // k3s reads it as root; it may hold registry passwords.
            mode: 0o600,
            reason: `mirrors for ${Object.keys(model.registries.mirrors).join(', ') || 'nothing'} (k3s regenerates containerd config from it at start)`,
            needs: 'restart',
            secret: patched.hasCredentials,
          },
        ];
  // TLS files are read when k3s regenerates hosts.toml, i.e. at the same restart.
  return { service: input.service, files: [...files.values()], ownedNeeds: 'restart', edits, diagnostics };
}

/** The distributions whose registries.yaml mirrorctl writes. */
export const rancherFlavor = (d: string): RancherFlavor | undefined =>
  d === 'k3s' || d === 'rke2' ? d : undefined;
