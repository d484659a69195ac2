// The CRI client must work from the single-file esbuild bundle shipped in the agent image, where
// no proto/ directory and no node_modules exist: bundle it into a temp dir outside the repo, run
// it with node, and have it call a gRPC server started here.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { build } from 'esbuild';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CRI_API_PROTO } from './cri-api-proto.js';

let dir: string;
let server: grpc.Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cri-bundle-'));
  const definition = fromJSON(protobuf.parse(CRI_API_PROTO).root.toJSON(), { defaults: true });
  server = new grpc.Server();
  server.addService(definition['runtime.v1.RuntimeService'] as grpc.ServiceDefinition, {
    Version: (_call: unknown, cb: grpc.sendUnaryData<object>) =>
      cb(null, {
        version: '0.1.0',
        runtimeName: 'bundled',
        runtimeVersion: '1.0.0',
        runtimeApiVersion: 'v1',
      }),
    Status: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, {}),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${join(dir, 'cri.sock')}`, grpc.ServerCredentials.createInsecure(), (e) =>
      e ? reject(e) : resolve(),
    ),
  );
});

afterAll(() => {
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

it('runs from an ESM bundle with no proto file and no node_modules next to it', async () => {
  const result = await build({
    stdin: {
      contents: [
        "import { waitForCri } from './cri-client.ts';",
        'const r = await waitForCri(process.argv[2], 5000);',
        'console.log(JSON.stringify(r));',
      ].join('\n'),
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // grpc-js requires Node built-ins; an ESM bundle needs a real `require` for them.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const bundle = join(dir, 'agent.mjs');
  writeFileSync(bundle, result.outputFiles[0]?.text ?? '');
  const { stdout } = await promisify(execFile)(process.execPath, [bundle, join(dir, 'cri.sock')], {
    cwd: dir,
  });
  expect(JSON.parse(stdout)).toEqual({
    ok: true,
    value: { version: '0.1.0', runtimeName: 'bundled', runtimeVersion: '1.0.0', runtimeApiVersion: 'v1' },
  });
});
