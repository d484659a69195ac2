// The CRI client against an in-process gRPC server on a unix socket that speaks the same proto:
// wire encoding (field numbers, camelCase mapping, uint64 as string), deadlines and the mapping of
// gRPC status codes to error kinds. The real containerd is exercised in test/e2e/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRI_API_PROTO } from './cri-api-proto.js';
import { criClient, criErrorDiagnostic, waitForCri } from './cri-client.js';

// GIVEN a fake runtime: the server's view of the proto uses snake_case field names, so a passing
// round trip also proves the client's camelCase names map to the right field numbers.
const definition = fromJSON(protobuf.parse(CRI_API_PROTO, { keepCase: true }).root.toJSON(), {
  keepCase: true,
  longs: String,
  defaults: true,
});
const runtimeService = definition['runtime.v1.RuntimeService'] as grpc.ServiceDefinition;
const imageService = definition['runtime.v1.ImageService'] as grpc.ServiceDefinition;

interface Received {
  pulls: unknown[];
  removed: unknown[];
}

type Handler = (
  call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
  cb: grpc.sendUnaryData<unknown>,
) => void;

function fail(code: grpc.status, details: string): Partial<grpc.StatusObject> {
  return { code, details };
}

function runtimeHandlers(): Record<string, Handler> {
  return {
    Version: (_call, cb) =>
      cb(null, {
        version: '0.1.0',
        runtime_name: 'fake',
        runtime_version: '9.9.9',
        runtime_api_version: 'v1',
      }),
    Status: (call, cb) =>
      cb(null, {
        status: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }] },
        info: call.request.verbose ? { config: '{"registry":{"configPath":"/etc/containerd/certs.d"}}' } : {},
      }),
  };
}

function imageHandlers(received: Received): Record<string, Handler> {
  return {
    PullImage: (call, cb) => {
      received.pulls.push(call.request);
      const image = (call.request.image as { image: string }).image;
      if (image.startsWith('icr.io/')) cb(null, { image_ref: 'sha256:abc' });
      else if (image === 'slow.example/x:1') setTimeout(() => cb(null, { image_ref: 'late' }), 2_000);
      else cb(fail(grpc.status.UNKNOWN, `failed to resolve reference "${image}": not found`), null);
    },
    ImageStatus: (call, cb) => {
      const image = (call.request.image as { image: string }).image;
      cb(
        null,
        image === 'present:1' ? { image: { id: 'sha256:abc', repo_tags: ['present:1'], size: '1234' } } : {},
      );
    },
    ListImages: (_call, cb) =>
      cb(null, {
        images: [{ id: 'sha256:abc', repo_tags: ['a:1'], repo_digests: ['a@sha256:d'], size: '42' }],
      }),
    RemoveImage: (call, cb) => {
      received.removed.push(call.request);
      cb(null, {});
    },
  };
}

let dir: string;
let fullServer: grpc.Server;
let imagesOnlyServer: grpc.Server;
const received: Received = { pulls: [], removed: [] };

function listen(server: grpc.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cri-client-'));
  fullServer = new grpc.Server();
  fullServer.addService(runtimeService, runtimeHandlers());
  fullServer.addService(imageService, imageHandlers(received));
  await listen(fullServer, join(dir, 'full.sock'));
  // Like containerd whose CRI plugin failed to load: the socket serves, runtime.v1 is missing.
  imagesOnlyServer = new grpc.Server();
  await listen(imagesOnlyServer, join(dir, 'no-cri.sock'));
});

afterAll(() => {
  fullServer.forceShutdown();
  imagesOnlyServer.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('criClient', () => {
  it('reads Version with camelCase fields', async () => {
    const cri = criClient(`unix://${join(dir, 'full.sock')}`);
    expect(await cri.version()).toEqual({
      ok: true,
      value: { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '9.9.9', runtimeApiVersion: 'v1' },
    });
    cri.close();
  });

  it.each([
    { name: 'plain', verbose: false, info: {} },
    {
      name: 'verbose',
      verbose: true,
      info: { config: '{"registry":{"configPath":"/etc/containerd/certs.d"}}' },
    },
  ])('reads Status ($name)', async ({ verbose, info }) => {
    const cri = criClient(join(dir, 'full.sock'));
    const result = await cri.status(verbose);
    expect(result).toEqual({
      ok: true,
      value: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }], info },
    });
    cri.close();
  });

  it('sends the image ref and auth on PullImage and returns the image ref', async () => {
    const cri = criClient(join(dir, 'full.sock'));
    const result = await cri.pullImage('icr.io/cpopen/cpopen-test:1.0', { username: 'u', password: 'p' });
    expect(result).toEqual({ ok: true, value: 'sha256:abc' });
    expect(received.pulls.at(-1)).toMatchObject({
      image: { image: 'icr.io/cpopen/cpopen-test:1.0' },
      auth: { username: 'u', password: 'p' },
    });
    cri.close();
  });

  it('returns a failed pull as a value carrying the runtime message', async () => {
    const cri = criClient(join(dir, 'full.sock'));
    const result = await cri.pullImage('quay.io/x:1');
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'failed', grpcCode: grpc.status.UNKNOWN, method: '/runtime.v1.ImageService/PullImage' },
    });
    if (!result.ok) expect(result.error.details).toContain('failed to resolve reference "quay.io/x:1"');
    cri.close();
  });

  it('enforces the pull deadline', async () => {
    const cri = criClient(join(dir, 'full.sock'), { pullDeadlineMs: 200 });
    const result = await cri.pullImage('slow.example/x:1');
    expect(result).toMatchObject({ ok: false, error: { kind: 'deadline-exceeded' } });
    cri.close();
  });

  it.each([
    {
      name: 'present',
      ref: 'present:1',
      value: { id: 'sha256:abc', repoTags: ['present:1'], repoDigests: [], size: '1234' },
    },
    { name: 'absent', ref: 'absent:1', value: null },
  ])('reads ImageStatus ($name)', async ({ ref, value }) => {
    const cri = criClient(join(dir, 'full.sock'));
    expect(await cri.imageStatus(ref)).toEqual({ ok: true, value });
    cri.close();
  });

  it('lists and removes images', async () => {
    const cri = criClient(join(dir, 'full.sock'));
    expect(await cri.listImages()).toEqual({
      ok: true,
      value: [{ id: 'sha256:abc', repoTags: ['a:1'], repoDigests: ['a@sha256:d'], size: '42' }],
    });
    expect(await cri.removeImage('a:1')).toEqual({ ok: true, value: undefined });
    expect(received.removed.at(-1)).toMatchObject({ image: { image: 'a:1' } });
    cri.close();
  });

  it('reports a socket without runtime.v1 as unimplemented (CRI plugin not loaded)', async () => {
    const cri = criClient(join(dir, 'no-cri.sock'));
    const result = await cri.version();
    expect(result).toMatchObject({ ok: false, error: { kind: 'unimplemented', grpcCode: 12 } });
    if (!result.ok) {
      const d = criErrorDiagnostic(result.error);
      expect(d.code).toBe('cri.unimplemented');
      expect(d.message).toContain('UNIMPLEMENTED');
      expect(d.hint).toContain('io.containerd.grpc.v1.cri');
    }
    cri.close();
  });

  it('reports a missing socket as unavailable', async () => {
    const cri = criClient(join(dir, 'absent.sock'), { callDeadlineMs: 2_000 });
    expect(await cri.version()).toMatchObject({ ok: false, error: { kind: 'unavailable', grpcCode: 14 } });
    cri.close();
  });
});

describe('waitForCri', () => {
  it('returns the version once the runtime answers', async () => {
    expect(await waitForCri(join(dir, 'full.sock'), 5_000)).toMatchObject({ ok: true });
  });

  it('stops at once on unimplemented', async () => {
    expect(await waitForCri(join(dir, 'no-cri.sock'), 60_000)).toMatchObject({
      ok: false,
      error: { kind: 'unimplemented' },
    });
  });

  it('keeps polling while the socket is down and gives up with the last error', async () => {
    const result = await waitForCri(join(dir, 'never.sock'), 600, { intervalMs: 50 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('picks up a runtime that starts while it waits', async () => {
    const socket = join(dir, 'late.sock');
    const late = new grpc.Server();
    late.addService(runtimeService, runtimeHandlers());
    const started = new Promise<void>((resolve) => setTimeout(() => resolve(listen(late, socket)), 300));
    const result = await waitForCri(socket, 10_000, { intervalMs: 50 });
    await started;
    late.forceShutdown();
    expect(result).toMatchObject({ ok: true, value: { runtimeName: 'fake' } });
  });
});
