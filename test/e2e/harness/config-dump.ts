// `containerd --config F config dump` for many files at once: each job gets its own directory (the
// config plus the files its `imports` name), a few dumps run in parallel (each is a short-lived
// process that loads the file with that binary's parser, version migration and import rules and
// prints the effective config; it creates nothing on disk).
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseToml, type TomlTable } from '../../../src/toml/parse.js';
import type { ContainerdBinary } from './containerd.js';

export interface DumpJob {
  /** config.toml text (written as <dir>/config.toml). */
  text: string;
  /** Other files, by path relative to the job directory (drop-ins the config imports). */
  files?: Record<string, string>;
}

export type DumpResult =
  | { ok: true; config: TomlTable; stderr: string }
  | { ok: false; error: string; stderr: string };

function dumpOne(b: ContainerdBinary, file: string): Promise<DumpResult> {
  return new Promise((resolve) => {
    execFile(
      join(b.binDir, 'containerd'),
      ['--config', file, 'config', 'dump'],
      // cwd "/" like a systemd service: containerd 1.6 matches relative import globs against it.
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 8 << 20, cwd: '/' },
      (err, stdout, stderr) => {
        if (err) return resolve({ ok: false, error: `${err.message}`.trim(), stderr });
        const parsed = parseToml(stdout);
        resolve(
          parsed.ok
            ? { ok: true, config: parsed.value, stderr }
            : { ok: false, error: `dump output does not parse: ${parsed.diagnostic.message}`, stderr },
        );
      },
    );
  });
}

/** Dumps every job with binary `b` (jobs[i] in `<root>/<i>/`), `parallel` at a time, in order. */
export async function dumpAll(
  b: ContainerdBinary,
  root: string,
  jobs: readonly DumpJob[],
  parallel = 3,
): Promise<DumpResult[]> {
  const results: DumpResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      const dir = join(root, `${b.version}-${i}`);
      mkdirSync(dir, { recursive: true });
      for (const [rel, content] of Object.entries(job.files ?? {})) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), content);
      }
      writeFileSync(join(dir, 'config.toml'), job.text);
      results[i] = await dumpOne(b, join(dir, 'config.toml'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}
