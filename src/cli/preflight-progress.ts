// A one-line progress bar on stderr, only when stderr is a terminal (never in logs or CI output).
import type { Out } from './context.js';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

const WIDTH = 24;

export function formatProgressBar(done: number, total: number, label: string): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${label}`;
}

export function createProgress(out: Out, label: string, enabled: boolean): Progress {
  if (!out.isTTY || !enabled) return { update: () => {}, finish: () => {} };
  let shown = false;
  return {
    update(done, total) {
      shown = true;
      out.write(`\r\x1b[2K${formatProgressBar(done, total, label)}`);
    },
    finish() {
      if (shown) out.write('\r\x1b[2K');
    },
  };
}
