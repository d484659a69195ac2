// CA and client certificate files written beside a hosts.toml and referenced relatively (containerd
// resolves relative `ca`/`client` paths against the hosts.toml directory). Names end in `.pem`, not
// `.crt`/`.cert`/`.key`, so containerd's Docker-style cert-file fallback (used only when hosts.toml is
// missing or fails to parse) never picks them up for the upstream registry.
import type { Diagnostic } from '../diagnostics.js';
import type { Mirror, RegistryEntry, SpecAssets, Target } from '../spec/types.js';
import type { RenderedFile } from './types.js';

export interface TlsRefs {
  /** File names relative to the hosts.toml directory. */
  ca?: string;
  /** [cert, key] pair, or a single PEM holding both. */
  client?: [string, string] | string;
}

/** host[:port] → file-name-safe slug (`[fd00::1]:5000` → `fd00__1_5000`). */
const slug = (host: string): string => host.replace(/[[\]]/g, '').replace(/[:]/g, '_');

/** Collects the cert files of one hosts.toml directory, de-duplicating names by content. */
export class TlsFileSet {
  readonly files: RenderedFile[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly byName = new Map<string, string>();

  constructor(
    private readonly dirPath: string,
    private readonly assets: SpecAssets,
    private readonly target: Target,
  ) {}

  /** Adds the mirror's CA/client files and returns how hosts.toml refers to them. */
  add(entry: RegistryEntry, j: number, m: Mirror): TlsRefs {
    const field = `spec.registries[${entry.index}].mirrors[${j}].tls`;
    const refs: TlsRefs = {};
    const base = slug(m.host);
    if (m.tls.caFile) refs.ca = this.put(`${base}-ca`, m.tls.caFile, `${field}.caFile`, false);
    if (m.tls.certFile && m.tls.keyFile) {
      const cert = this.put(`${base}-client-cert`, m.tls.certFile, `${field}.certFile`, false);
      const key = this.put(`${base}-client-key`, m.tls.keyFile, `${field}.keyFile`, true);
      if (cert && key) refs.client = [cert, key];
    } else if (m.tls.certFile) {
      // containerd accepts a single PEM holding certificate and key.
      refs.client = this.put(`${base}-client`, m.tls.certFile, `${field}.certFile`, true);
    } else if (m.tls.keyFile) {
      this.diagnostics.push({
        severity: 'error',
        code: `render.${this.target}.tls-key-without-cert`,
        field: `${field}.keyFile`,
        target: this.target,
        message: 'a client key needs its certificate',
        hint: 'set tls.certFile as well, or remove tls.keyFile',
      });
    }
    return refs;
  }

  private put(stem: string, specPath: string, field: string, secret: boolean): string | undefined {
    const content = this.assets[specPath];
    if (content === undefined) {
      this.diagnostics.push({
        severity: 'error',
        code: `render.${this.target}.tls-file-missing`,
        field,
        target: this.target,
        message: `file ${specPath} was not loaded; containerd fails every pull of a registry whose cert file is missing`,
        hint: `make ${specPath} readable where mirrorctl runs`,
      });
      return undefined;
    }
    let name = `${stem}.pem`;
    for (let n = 2; this.byName.has(name) && this.byName.get(name) !== content; n++)
      name = `${stem}-${n}.pem`;
    if (!this.byName.has(name)) {
      this.byName.set(name, content);
      this.files.push({
        path: `${this.dirPath}/${name}`,
        content,
        mode: secret ? 0o600 : 0o644,
        ...(secret ? { secret: true } : {}),
      });
    }
    return name;
  }
}
