// Property: whatever the operator's daemon.json holds, mirrorctl changes only registry-mirrors and
// insecure-registries, keeps every other key in order, and undoing its edits restores the file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS } from '../../../src/formats/node-paths.js';
import {
  type JsonValue,
  renderDockerDaemon,
  undoDaemonJsonEdits,
} from '../../../src/render/docker-daemon.js';
import { entry, mirror, mirrorSet } from '../explain/spec-builder.js';

const key = fc.constantFrom(
  'log-driver',
  'storage-driver',
  'registry-mirrors',
  'insecure-registries',
  'debug',
  'dns',
);
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.boolean(),
  fc.string(),
  fc.array(fc.constantFrom('https://old.example.com', '10.0.0.5:5000', 'reg.example.com'), { maxLength: 3 }),
);
const doc = fc.dictionary(key, value);
const set = mirrorSet('p', [
  entry('docker.io', [
    mirror('http://10.0.0.5:5000'),
    mirror('https://m.example.com', { tls: { insecureSkipVerify: true } }),
  ]),
]);
const ctx = { target: 'docker' as const, assets: {}, paths: DEFAULT_PATHS };

describe('daemon.json edits', () => {
  it('keep other keys in order and undo exactly', () => {
    fc.assert(
      fc.property(doc, (before) => {
        const text = JSON.stringify(before, null, 4);
        const r = renderDockerDaemon(set, ctx, text);
        const after = JSON.parse(r.files[0]?.content ?? '{}') as Record<string, JsonValue>;
        expect(after['registry-mirrors']).toEqual(['http://10.0.0.5:5000', 'https://m.example.com']);
        for (const k of Object.keys(before))
          if (k !== 'registry-mirrors' && k !== 'insecure-registries') expect(after[k]).toEqual(before[k]);
        expect(Object.keys(after).slice(0, Object.keys(before).length)).toEqual(Object.keys(before));
        expect(JSON.parse(undoDaemonJsonEdits(r.files[0]?.content ?? '{}', r.edits).content)).toEqual(before);
      }),
    );
  });
});
