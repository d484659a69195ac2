// Keeps the embedded proto text (used at runtime, also inside the single-file bundle) identical to
// proto/cri-api/api.proto, the reviewable copy of the upstream subset. UPDATE_GOLDEN=1 rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRI_API_PROTO } from './cri-api-proto.js';

const root = join(import.meta.dirname, '..', '..');
const protoPath = join(root, 'proto', 'cri-api', 'api.proto');
const modulePath = join(import.meta.dirname, 'cri-api-proto.ts');

function renderProtoModule(protoText: string): string {
  return [
    '// GENERATED from proto/cri-api/api.proto by src/host/cri-api-proto.test.ts (UPDATE_GOLDEN=1).',
    '// Embedded as a string so the CRI client needs no .proto file next to the esbuild bundle.',
    `export const CRI_API_PROTO = ${JSON.stringify(protoText)};`,
    '',
  ].join('\n');
}

describe('embedded CRI proto', () => {
  it('matches proto/cri-api/api.proto', () => {
    const fileText = readFileSync(protoPath, 'utf8');
    if (process.env.UPDATE_GOLDEN === '1' && fileText !== CRI_API_PROTO) {
      writeFileSync(modulePath, renderProtoModule(fileText));
      return;
    }
    expect(CRI_API_PROTO, 'run UPDATE_GOLDEN=1 npx vitest run src/host/cri-api-proto.test.ts').toBe(fileText);
  });

  it('keeps the upstream package and field numbers that containerd and CRI-O expect', () => {
    expect(CRI_API_PROTO).toContain('package runtime.v1;');
    for (const line of [
      'string runtime_api_version = 4;',
      'ImageSpec image = 1;',
      'AuthConfig auth = 2;',
      'string user_specified_image = 18;',
      'map<string, string> info = 2;',
      'string image_ref = 1;',
    ]) {
      expect(CRI_API_PROTO).toContain(line);
    }
  });
});
