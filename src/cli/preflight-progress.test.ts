import { describe, expect, it } from 'vitest';
import { createProgress, formatProgressBar } from './preflight-progress.js';

describe('progress', () => {
  it.each([
    [0, 4, '[........................] 0/4 images'],
    [1, 4, '[######..................] 1/4 images'],
    [4, 4, '[########################] 4/4 images'],
    [0, 0, '[########################] 0/0 images'],
  ])('formatProgressBar(%i, %i)', (done, total, expected) => {
    expect(formatProgressBar(done, total, 'images')).toBe(expected);
  });

  it.each([
    { tty: true, enabled: true, expected: ['\r\x1b[2K[############............] 1/2 x', '\r\x1b[2K'] },
    { tty: false, enabled: true, expected: [] },
    { tty: true, enabled: false, expected: [] },
  ])('writes only on a TTY when enabled (tty=$tty, enabled=$enabled)', ({ tty, enabled, expected }) => {
    const written: string[] = [];
    const p = createProgress({ write: (s) => void written.push(s), isTTY: tty }, 'x', enabled);
    p.update(1, 2);
    p.finish();
    expect(written).toEqual(expected);
  });
});
