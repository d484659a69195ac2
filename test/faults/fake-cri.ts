// A fake container runtime for the CLI fault tests: a gRPC server on a unix socket speaking the
// CRI runtime.v1 Version and Status (what the health check and `verify` ask), with the containerd
// `config` the verbose Status reports settable, so a test can "restart" it with a new config_path.
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { CRI_API_PROTO } from '../../src/host/cri-api-proto.js';

export interface FakeCri {
  endpoint: string;
  /** containerd's registry config_path as the verbose Status reports it ('' = not set). */
  configPath: string;
  stop(): void;
}

export async function startFakeCri(socket: string): Promise<FakeCri> {
  const definition = fromJSON(protobuf.parse(CRI_API_PROTO, { keepCase: true }).root.toJSON(), {
    keepCase: true,
    longs: String,
    defaults: true,
  });
  const server = new grpc.Server();
  const fake: FakeCri = { endpoint: `unix://${socket}`, configPath: '', stop: () => server.forceShutdown() };
  type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
  server.addService(definition['runtime.v1.RuntimeService'] as grpc.ServiceDefinition, {
    Version: (_call: Call, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, {
        version: '0.1.0',
        runtime_name: 'containerd',
        runtime_version: 'v1.6.20',
        runtime_api_version: 'v1',
      }),
    Status: (call: Call, cb: grpc.sendUnaryData<unknown>) =>
      cb(null, {
        status: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }] },
        info: call.request.verbose
          ? { config: JSON.stringify({ registry: { configPath: fake.configPath } }) }
          : {},
      }),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(fake.endpoint, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    ),
  );
  return fake;
}
