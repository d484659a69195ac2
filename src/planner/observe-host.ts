// observeHost: gathers HostFacts (detect/facts.ts) through the Host ports only — file contents
// and presence via host.fs (which refuses symlinks leading out of the root), runtime versions
// via host.run. Nothing here decides anything; detectRuntime(facts) does.

import {
  emptyFacts,
  type HostFacts,
  hostProbes,
  type RuntimeBins,
  type VersionCommand,
} from '../detect/facts.js';
import type { Diagnostic } from '../diagnostics.js';
import type { NodePaths } from '../formats/node-paths.js';
import { decodeHostText, fsErrorToDiagnostic } from '../host/fs-error.js';
import type { Host } from '../host/ports.js';

export interface ObserveOptions {
  /** Explicit runtime binaries (`--containerd-bin` …), tried before the usual names. */
  bins?: RuntimeBins;
  /** false = do not run version commands (a --root that is not this machine's runtime). */
  runCommands?: boolean;
  /** Per version command; a hung binary must not hang detection. */
  commandTimeoutMs?: number;
}

export async function observeHost(
  host: Host,
  paths: NodePaths,
  opts: ObserveOptions = {},
): Promise<HostFacts> {
  const probes = hostProbes(paths, opts.bins);
  const facts = emptyFacts();
  const note = (d: Diagnostic): void => {
    facts.diagnostics.push(d);
    host.log.debug(`observe: ${d.file ?? ''} ${d.message}`);
  };

  for (const path of unique([...probes.stat, ...probes.read, ...probes.list])) {
    try {
      const st = await host.fs.stat(path);
      if (st) facts.present[path] = st.type;
    } catch (err) {
      note(fsErrorToDiagnostic(err, path));
    }
  }
  for (const path of probes.read) {
    const type = facts.present[path];
    if (type === undefined) continue;
    if (type === 'dir' || type === 'other') {
      note({
        severity: 'warning',
        code: 'host.observe.not-a-file',
        file: path,
        message: `expected a regular file, found a ${type === 'dir' ? 'directory' : 'special file'}`,
        hint: 'move it away; mirrorctl only reads regular files here',
      });
      continue;
    }
    try {
      const bytes = await host.fs.readFile(path);
      if (bytes) facts.files[path] = decodeHostText(bytes, path);
    } catch (err) {
      note(fsErrorToDiagnostic(err, path));
    }
  }
  for (const path of probes.list) {
    if (facts.present[path] !== 'dir' && facts.present[path] !== 'symlink') continue;
    try {
      const names = await host.fs.readDir(path);
      if (names) facts.dirs[path] = names;
    } catch (err) {
      note(fsErrorToDiagnostic(err, path));
    }
  }
  for (const { dir, suffix } of probes.readEntries) {
    for (const name of facts.dirs[dir] ?? []) {
      if (!name.endsWith(suffix)) continue;
      const path = `${dir}/${name}`;
      try {
        const st = await host.fs.stat(path);
        if (st) facts.present[path] = st.type;
        const bytes = st?.type === 'file' || st?.type === 'symlink' ? await host.fs.readFile(path) : null;
        if (bytes) facts.files[path] = decodeHostText(bytes, path);
      } catch (err) {
        note(fsErrorToDiagnostic(err, path));
      }
    }
  }
  if (opts.runCommands !== false) {
    const results = await Promise.all(
      probes.commands.map((c) => runVersion(host, c, opts.commandTimeoutMs ?? 10_000)),
    );
    for (const r of results) if (r) facts.commands[r.id] = r.fact;
  }
  return facts;
}

async function runVersion(host: Host, cmd: VersionCommand, timeoutMs: number) {
  for (const argv of cmd.argvs) {
    try {
      const r = await host.run(argv, { timeoutMs });
      if (r.code === 0 && !r.timedOut) {
        return { id: cmd.id, fact: { argv, code: r.code, stdout: r.stdout, stderr: r.stderr } };
      }
      host.log.debug(
        `observe: ${argv.join(' ')} exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}`,
      );
    } catch (err) {
      // A Runner that throws is a bug in the adapter; detection still goes on without this fact.
      host.log.debug(
        `observe: ${argv.join(' ')} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return undefined;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];
