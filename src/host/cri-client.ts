// The CRI port (src/host/cri-port.ts) over gRPC and a unix socket: runtime.v1, what kubelet calls, so
// `verify` and the e2e suite pull exactly the way a node does (`ctr` ignores config_path).
// Errors are values: every call resolves to CriResult, never rejects.
import * as grpc from '@grpc/grpc-js';
import { fromJSON, type MethodDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { CRI_API_PROTO } from './cri-api-proto.js';
import type { CriClient, CriError, CriErrorKind, CriResult, CriVersion } from './cri-port.js';

export interface CriClientOptions {
  /** Deadline of every call but PullImage. Default 10 s. */
  callDeadlineMs?: number;
  /** Deadline of PullImage (kubelet has none; a stuck mirror must not hang verify). Default 5 min. */
  pullDeadlineMs?: number;
}

const versionSchema = z.object({
  version: z.string(),
  runtimeName: z.string(),
  runtimeVersion: z.string(),
  runtimeApiVersion: z.string(),
});
const conditionSchema = z.object({
  type: z.string(),
  status: z.boolean(),
  reason: z.string(),
  message: z.string(),
});
const statusSchema = z.object({
  status: z.object({ conditions: z.array(conditionSchema) }).nullable(),
  info: z.record(z.string(), z.string()),
});
const imageSchema = z.object({
  id: z.string(),
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  size: z.string(),
});
const imageStatusSchema = z.object({ image: imageSchema.nullable() });
const listImagesSchema = z.object({ images: z.array(imageSchema) });
const pullSchema = z.object({ imageRef: z.string() });

type Method = MethodDefinition<object, object>;

// Parsed once per process: the proto is embedded text, so this works from the bundle too.
let methods: Map<string, Method> | undefined;
function criMethods(): Map<string, Method> {
  if (methods) return methods;
  const parsed = protobuf.parse(CRI_API_PROTO, { keepCase: false });
  // longs as strings (uint64 size), defaults so absent scalars read as ''/false/[].
  const definition = fromJSON(parsed.root.toJSON(), { longs: String, enums: String, defaults: true });
  const found = new Map<string, Method>();
  for (const service of ['runtime.v1.RuntimeService', 'runtime.v1.ImageService']) {
    const def = definition[service];
    if (!def || 'format' in def) throw new Error(`embedded CRI proto lacks ${service}`);
    for (const [name, method] of Object.entries(def)) found.set(name, method as Method);
  }
  methods = found;
  return found;
}

function errorKind(code: number): CriErrorKind {
  switch (code) {
    case grpc.status.UNIMPLEMENTED:
      return 'unimplemented';
    case grpc.status.UNAVAILABLE:
      return 'unavailable';
    case grpc.status.DEADLINE_EXCEEDED:
      return 'deadline-exceeded';
    case grpc.status.NOT_FOUND:
      return 'not-found';
    default:
      return 'failed';
  }
}

function isServiceError(e: unknown): e is grpc.ServiceError {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number';
}

/**
 * Client for a CRI socket, e.g. `unix:///run/containerd/containerd.sock`. A bare absolute path is
 * accepted too. Connecting is lazy: a dead socket shows up as an `unavailable` result, not a throw.
 */
export function criClient(endpoint: string, options: CriClientOptions = {}): CriClient {
  const target = endpoint.startsWith('/') ? `unix://${endpoint}` : endpoint;
  const callDeadlineMs = options.callDeadlineMs ?? 10_000;
  const pullDeadlineMs = options.pullDeadlineMs ?? 300_000;
  const client = new grpc.Client(target, grpc.credentials.createInsecure(), {
    // Verbose Status carries containerd's whole effective config; allow more than the 4 MiB default.
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });

  function call<T>(name: string, request: object, schema: z.ZodType<T>, deadlineMs: number) {
    const method = criMethods().get(name);
    if (!method) throw new Error(`embedded CRI proto lacks method ${name}`);
    return new Promise<CriResult<T>>((resolve, reject) => {
      const deadline = new Date(Date.now() + deadlineMs);
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        new grpc.Metadata(),
        { deadline },
        (err, response) => {
          if (err || response === undefined) {
            const code = isServiceError(err) ? err.code : grpc.status.UNKNOWN;
            const details = isServiceError(err) ? err.details : String(err ?? 'empty response');
            // grpc-go servers enforce the propagated deadline too and may reset the stream first:
            // the client then sees CANCELLED ("Call cancelled") instead of DEADLINE_EXCEEDED.
            const expired = code === grpc.status.CANCELLED && Date.now() >= deadline.getTime();
            const kind = expired ? 'deadline-exceeded' : errorKind(code);
            resolve({ ok: false, error: { kind, grpcCode: code, details, method: method.path, endpoint } });
            return;
          }
          const parsed = schema.safeParse(response);
          // A shape mismatch means our proto subset is wrong: a bug, so reject rather than a value.
          if (parsed.success) resolve({ ok: true, value: parsed.data });
          else reject(new Error(`unexpected ${method.path} response: ${parsed.error.message}`));
        },
      );
    });
  }

  const map = <A, B>(r: CriResult<A>, f: (a: A) => B): CriResult<B> =>
    r.ok ? { ok: true, value: f(r.value) } : r;
  const spec = (ref: string) => ({ image: ref });

  return {
    endpoint,
    version: () => call('Version', { version: 'v1' }, versionSchema, callDeadlineMs),
    status: async (verbose = false) =>
      map(await call('Status', { verbose }, statusSchema, callDeadlineMs), (s) => ({
        conditions: s.status?.conditions ?? [],
        info: s.info,
      })),
    pullImage: async (ref, auth) =>
      map(await call('PullImage', { image: spec(ref), auth }, pullSchema, pullDeadlineMs), (r) => r.imageRef),
    imageStatus: async (ref) =>
      map(await call('ImageStatus', { image: spec(ref) }, imageStatusSchema, callDeadlineMs), (r) =>
        r.image && r.image.id !== '' ? r.image : null,
      ),
    listImages: async () =>
      map(await call('ListImages', {}, listImagesSchema, callDeadlineMs), (r) => r.images),
    removeImage: async (ref) =>
      map(await call('RemoveImage', { image: spec(ref) }, z.object({}), callDeadlineMs), () => undefined),
    close: () => client.close(),
  };
}

export interface WaitForCriOptions {
  /** Pause between attempts. Default 200 ms. */
  intervalMs?: number;
}

/**
 * Polls RuntimeService/Version until the runtime answers (containerd accepts connections before
 * its CRI plugin is initialised). Stops early on `unimplemented`: the service set is fixed once
 * the socket serves, so a missing runtime.v1 service will not appear later.
 */
export async function waitForCri(
  endpoint: string,
  timeoutMs: number,
  options: WaitForCriOptions = {},
): Promise<CriResult<CriVersion>> {
  const intervalMs = options.intervalMs ?? 200;
  const until = Date.now() + timeoutMs;
  const client = criClient(endpoint, { callDeadlineMs: Math.min(2_000, Math.max(timeoutMs, 1)) });
  try {
    for (;;) {
      const result = await client.version();
      if (result.ok || result.error.kind === 'unimplemented' || Date.now() + intervalMs > until)
        return result;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    client.close();
  }
}

const hints: Record<CriErrorKind, string> = {
  unimplemented:
    'The runtime serves no runtime.v1 CRI service: the CRI plugin failed to load or is disabled. ' +
    "Check the runtime log for 'failed to load plugin io.containerd.grpc.v1.cri' (e.g. `mirrors` set " +
    'together with `config_path`) and `disabled_plugins` in /etc/containerd/config.toml.',
  unavailable: 'Nothing answers on the CRI socket: is the runtime running, and is --cri-endpoint right?',
  'deadline-exceeded': 'The runtime did not answer in time; a pull may be stuck on an unreachable mirror.',
  'not-found': 'The runtime does not know this object (image or reference).',
  failed: 'The runtime refused the call; its own message above names the host and error.',
};

/** Turns a CRI failure into the shared finding shape, with code `cri.<kind>`. */
export function criErrorDiagnostic(error: CriError, target?: string): Diagnostic {
  return {
    severity: 'error',
    code: `cri.${error.kind}`,
    message: `${error.method} on ${error.endpoint} failed: ${grpc.status[error.grpcCode] ?? error.grpcCode}: ${error.details}`,
    hint: hints[error.kind],
    ...(target ? { target } : {}),
  };
}
