// TOML writing for files mirrorctl owns (hosts.toml, registries.conf.d drop-ins, Bottlerocket
// settings): built from a typed model and serialised by smol-toml, never from string templates,
// so quoting and escaping are the library's job.
import { stringify } from 'smol-toml';

/** Serialises a table; key order is the insertion order of the model. */
export const stringifyToml = (table: Record<string, unknown>): string => stringify(table);
