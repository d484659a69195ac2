import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../diagnostics.js';
import { validateSpec } from './validate.js';

const head = 'apiVersion: mirrorctl/v1\nkind: MirrorSet\nmetadata: { name: x }\nspec:\n  registries:\n';

describe('validateSpec', () => {
  it('prints file:line:col, the field path, the message and the hint', () => {
    const r = validateSpec(
      `${head}    - source: icr.io\n      mirrors:\n        - url: https://a.example.com\n        - url: mirror.example.com\n`,
      'mirrors.yaml',
    );
    expect(r.spec).toBeUndefined();
    expect(formatDiagnostics(r.diagnostics)).toBe(
      [
        '✖ mirrors.yaml:9:16 spec.registries[0].mirrors[1].url: url "mirror.example.com" has no scheme',
        '    → must include a scheme, e.g. https://mirror.example.com (http:// for a plain-HTTP mirror)',
      ].join('\n'),
    );
  });

  it('reports every broken field in one pass, in document order', () => {
    const r = validateSpec(
      `${head}    - source: icr.io:0\n      fallback: maybe\n      mirrors:\n        - url: ftp://x\n          pullFrom: sometimes\n          extra: 1\n`,
      'm.yaml',
    );
    expect(r.diagnostics.map((d) => [d.line, d.code, d.field])).toEqual([
      [6, 'spec.host.port', 'spec.registries[0].source'],
      [7, 'spec.type', 'spec.registries[0].fallback'],
      [9, 'spec.url.scheme', 'spec.registries[0].mirrors[0].url'],
      [10, 'spec.enum', 'spec.registries[0].mirrors[0].pullFrom'],
      [11, 'spec.unknown-field', 'spec.registries[0].mirrors[0].extra'],
    ]);
  });

  it('lists the allowed fields for an unknown one', () => {
    const r = validateSpec(
      `${head}    - source: icr.io\n      mirror: []\n      mirrors: [{url: "https://m.example.com"}]\n`,
      'm.yaml',
    );
    expect(r.diagnostics[0]).toMatchObject({
      code: 'spec.unknown-field',
      field: 'spec.registries[0].mirror',
      line: 7,
      column: 7,
      hint: 'allowed fields here: source, fallback, mirrors, only',
    });
  });

  it('returns the spec with warnings, which never block', () => {
    const r = validateSpec(
      `${head}    - source: icr.io\n      mirrors:\n        - url: http://10.0.0.5:5000\n          tls: { insecureSkipVerify: true }\n`,
      'm.yaml',
    );
    expect(r.spec?.registries[0]?.mirrors[0]?.url).toBe('http://10.0.0.5:5000');
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', code: 'spec.tls.http-mirror', line: 9 }]);
  });

  it('names the first entry of a duplicate source', () => {
    const r = validateSpec(
      `${head}    - source: docker.io\n      mirrors: [{url: "https://a.example.com"}]\n    - source: registry-1.docker.io\n      mirrors: [{url: "https://b.example.com"}]\n`,
      'm.yaml',
    );
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.message).toContain('spec.registries[0].source');
    expect(r.diagnostics[0]?.field).toBe('spec.registries[1].source');
  });

  it('allows one source twice when `only` splits the targets, and rejects overlapping targets', () => {
    const two = (a: string, b: string) =>
      `${head}    - source: icr.io/cpopen\n      only: [${a}]\n      mirrors: [{url: "https://icr.io/dpod/cpopen", path: api-root}]\n    - source: icr.io/cpopen\n      only: [${b}]\n      mirrors: [{url: "https://icr.io/dpod"}]\n`;
    const ok = validateSpec(two('containerd, containerd-legacy', 'crio'), 'm.yaml');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.spec?.registries.map((r) => r.only)).toEqual([['containerd', 'containerd-legacy'], ['crio']]);
    const clash = validateSpec(two('containerd, crio', 'crio'), 'm.yaml');
    expect(clash.diagnostics).toMatchObject([
      { code: 'spec.source.duplicate', field: 'spec.registries[1].source', line: 9 },
    ]);
  });

  it('applies every default', () => {
    const r = validateSpec(
      `${head}    - source: icr.io\n      mirrors: [{url: "https://m.example.com"}]\n`,
      'm.yaml',
    );
    expect(r.spec?.registries[0]).toEqual({
      index: 0,
      source: 'icr.io',
      sourceHost: 'icr.io',
      sourcePath: '',
      fallback: true,
      mirrors: [
        {
          url: 'https://m.example.com',
          scheme: 'https',
          host: 'm.example.com',
          path: '',
          pathMode: 'namespace',
          pullFrom: 'all',
          capabilities: ['pull', 'resolve'],
          tls: { insecureSkipVerify: false },
          headers: {},
        },
      ],
    });
  });

  it.each([
    ['not YAML at all: [', 'spec.syntax'],
    ['', 'spec.empty'],
    ['- a', 'spec.not-mapping'],
    ['\0\0\0', 'spec.syntax'],
  ])('never throws: %j → %s', (text, code) => {
    expect(validateSpec(text, 'x.yaml').diagnostics[0]?.code).toBe(code);
  });
});
