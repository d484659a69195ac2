// The hosts.toml model and its serialisation (toml/stringify.ts, never string templates), shared by the
// spec renderer and the legacy-mirrors migration.

import type { Capability } from '../spec/types.js';
import type { TomlTable } from '../toml/parse.js';
import { stringifyToml } from '../toml/stringify.js';

/** Settings of one `[host."url"]` table (root-level keys when it is the `server`). */
export interface HostSettings {
  url: string;
  capabilities: Capability[];
  skipVerify?: boolean;
  /** Relative to the hosts.toml directory, or absolute. */
  ca?: string;
  /** [cert, key] pair, or one PEM holding both. */
  client?: [string, string] | string;
  overridePath?: boolean;
  dialTimeout?: string;
  header?: Record<string, string[]>;
}

export interface HostsTomlModel {
  /** Comment lines (with their `#`) at the top of the file. */
  header: string[];
  /** Upstream tried last; undefined = containerd's own default (only for `_default`). */
  server?: string;
  /** Root-level keys applying to `server` (mirror-only files). */
  root?: HostSettings;
  /** `[host]` tables in the order containerd tries them. */
  hosts: HostSettings[];
}

/** hosts.toml keys in containerd's spelling, in a stable order. */
function hostFields(h: HostSettings): TomlTable {
  const t: TomlTable = { capabilities: h.capabilities };
  if (h.skipVerify !== undefined) t.skip_verify = h.skipVerify;
  if (h.ca !== undefined) t.ca = h.ca;
  if (h.client !== undefined) t.client = typeof h.client === 'string' ? h.client : [h.client];
  if (h.overridePath) t.override_path = true;
  if (h.dialTimeout !== undefined) t.dial_timeout = h.dialTimeout;
  if (h.header !== undefined) t.header = h.header;
  return t;
}

export function formatHostsToml(model: HostsTomlModel): string {
  const doc: TomlTable = {};
  if (model.server !== undefined) doc.server = model.server;
  if (model.root) Object.assign(doc, hostFields(model.root));
  doc.host = Object.fromEntries(model.hosts.map((h) => [h.url, hostFields(h)]));
  const body = stringifyToml(doc);
  return `${[...model.header, '', body].join('\n').trimEnd()}\n`;
}
