// Finds the README's runnable blocks: a `<!-- readme-test: KIND [exit=A|B] -->` marker followed by a
// ```sh fence. The README test runs those lines verbatim, so the marker is the contract between them.
export interface ReadmeBlock {
  kind: string;
  /** Exit codes every line of the block may end with (default 0). */
  exits: number[];
  lines: string[];
}

const MARKER = /<!-- readme-test: (\w+)(?: exit=([\d|]+))? -->\n```sh\n([\s\S]*?)```/g;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  return [...markdown.matchAll(MARKER)].map((m) => ({
    kind: m[1] ?? '',
    exits: (m[2] ?? '0').split('|').map(Number),
    lines: (m[3] ?? '').split('\n').filter((l) => l.trim() !== ''),
  }));
}
