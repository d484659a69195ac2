// containerd version gates (runtime-semantics.md §0.1). Renderers ask these instead of comparing
// version numbers themselves, so each gate and its source live in one place.
import { atLeast, parseVersion, type Version } from '../util/version.js';

/** Oldest containerd mirrorctl renders hosts.toml for: 1.5 lacks override_path, 1.4 lacks config_path. */
export const OLDEST_CONTAINERD = '1.6.0';

export interface ContainerdGates {
  /** The version the gates were computed for (OLDEST_CONTAINERD when unknown). */
  version: Version;
  /** False when the caller did not know the version: gates then describe OLDEST_CONTAINERD. */
  known: boolean;
  /** CRI `registry.config_path` (hosts.toml directories): 1.5+. */
  configPath: boolean;
  /** hosts.toml `override_path`: 1.6+. */
  overridePath: boolean;
  /** `certs.d/_default` fallback directory: 1.6.17+ (and every 1.7/2.x). */
  defaultDir: boolean;
  /** hosts.toml without any `[host]` table is accepted: 1.7.32+ on 1.7, 2.0+ (never on 1.5/1.6). */
  hostlessHostsToml: boolean;
  /** hosts.toml `dial_timeout`: 2.0.7+ on 2.0, 2.1+. */
  dialTimeout: boolean;
  /** capability `referrers`: 2.2+ (earlier versions reject the whole file). */
  referrers: boolean;
  /** IPv6 literal registry hosts in image references: 1.7+. */
  ipv6Hosts: boolean;
  /** Config `version = 3` understood (`io.containerd.cri.v1.images`): 2.0+. */
  configV3: boolean;
  /** Config `version = 4`: 2.3+. */
  configV4: boolean;
  /** How a file without `version` (or `version = 1`) is read. 2.0–2.2: LoadConfig migrates it to
   *  the latest version at once (cmd/containerd/server/config/config.go, `case 0, 1:
   *  MigrateConfigTo(out.Version)`), so only the v1 → v2 plugin renames happen and the CRI plugin's
   *  own migration never runs: `registry` is read from `io.containerd.cri.v1.images` only, a
   *  `[plugins.cri.registry]` is "Ignoring unknown key" (shown by 2.1.9's `config dump`). 2.3+ runs
   *  the plugin migrations per file and version (containerd#12608), so `cri` → `grpc.v1.cri` →
   *  `cri.v1.images` carries the table over. 1.x: short plugin ids (`plugins.cri`). */
  versionlessRegistry: 'cri-plugin' | 'images-plugin-only' | 'migrated';
  /** CRI pulls go through the transfer service, which reads config_path as ONE directory: 2.1+. */
  transferServicePulls: boolean;
  /** `use_local_image_pull` in `io.containerd.cri.v1.images`: 2.1+. */
  useLocalImagePull: boolean;
  /** config_path unset (and no mirrors) means the list IMPLICIT_CONFIG_PATH_2_2: 2.2+ (§1.3). */
  implicitConfigPathList: boolean;
  /** That list is the built-in default, so any `mirrors` setting is fatal: 2.2.0–2.2.1 only. */
  defaultConfigPathBakedIn: boolean;
  /** A relative `imports` glob (`conf.d/*.toml`) is taken relative to config.toml's directory
   *  (containerd#9746, 2.0; seen on 1.7.24); 1.6.20 globs it against the daemon's working
   *  directory (run here from two directories). Other 1.x versions: not known, so not assumed. */
  relativeImportGlobsFromConfigDir: boolean;
  /** Imported files' plugin tables are deep-merged per key (1.x: each replaces the whole table): 2.0+. */
  importsDeepMerge: boolean;
  /** Legacy `configs.<host>.tls` still honoured (removed in 2.0, ignored with a warning). */
  legacyTlsConfigs: boolean;
  /** `http://` host with TLS keys makes containerd try HTTPS first: 1.6.25+ (see §1.6). Coarse (the
   *  self-check's warning): 1.7.0–1.7.6 do not; the two gates below say exactly when. */
  httpsFirstForHttpWithTls: boolean;
  /** …for such a host with an explicit port ≠ 80: 1.6.25+ on 1.6, 1.7.7+, 2.x. */
  httpsFirstExplicitPort: boolean;
  /** …for any port ≠ 80, none included: 1.7.24+, 2.x. */
  httpsFirstAnyPort: boolean;
  /** Highest config `version` this containerd accepts. */
  maxConfigVersion: number;
  /** Config version `containerd config default` writes (what a fresh node has). */
  defaultConfigVersion: number;
}

/** Gates for a containerd version string; undefined or unparsable → the oldest supported version. */
export function containerdGates(runtimeVersion?: string): ContainerdGates {
  const parsed = runtimeVersion === undefined ? undefined : parseVersion(runtimeVersion);
  const v = parsed ?? (parseVersion(OLDEST_CONTAINERD) as Version);
  const is2 = v.major >= 2;
  return {
    version: v,
    known: parsed !== undefined,
    configPath: atLeast(v, 1, 5),
    overridePath: atLeast(v, 1, 6),
    defaultDir: atLeast(v, 1, 6, 17),
    hostlessHostsToml: is2 || (v.major === 1 && v.minor === 7 && v.patch >= 32) || atLeast(v, 1, 8),
    dialTimeout: atLeast(v, 2, 1) || (v.major === 2 && v.minor === 0 && v.patch >= 7),
    referrers: atLeast(v, 2, 2),
    ipv6Hosts: atLeast(v, 1, 7),
    configV3: is2,
    configV4: atLeast(v, 2, 3),
    versionlessRegistry: !is2 ? 'cri-plugin' : atLeast(v, 2, 3) ? 'migrated' : 'images-plugin-only',
    transferServicePulls: atLeast(v, 2, 1),
    useLocalImagePull: atLeast(v, 2, 1),
    implicitConfigPathList: atLeast(v, 2, 2),
    defaultConfigPathBakedIn: v.major === 2 && v.minor === 2 && v.patch < 2,
    relativeImportGlobsFromConfigDir: is2 || atLeast(v, 1, 7, 24),
    importsDeepMerge: is2,
    legacyTlsConfigs: !is2,
    httpsFirstForHttpWithTls: atLeast(v, 1, 6, 25),
    httpsFirstExplicitPort:
      atLeast(v, 1, 7, 24) ||
      (v.major === 1 && v.minor === 6 && v.patch >= 25) ||
      (v.major === 1 && v.minor === 7 && v.patch >= 7),
    httpsFirstAnyPort: atLeast(v, 1, 7, 24),
    maxConfigVersion: atLeast(v, 2, 3) ? 4 : is2 ? 3 : 2,
    defaultConfigVersion: is2 ? 3 : 2,
  };
}
