// The CRI port: what `verify` and the runtime health check ask a container runtime over its CRI
// socket (runtime.v1, as kubelet does), as plain types. src/host/cri-client.ts is the gRPC adapter.
// Errors are values: every call resolves to CriResult, never rejects.

/** Why a CRI call failed, in the terms an operator acts on. */
export type CriErrorKind =
  /** The socket answered but has no runtime.v1 service: the CRI plugin is not loaded. */
  | 'unimplemented'
  /** Nothing listens on the socket (runtime down, wrong path). */
  | 'unavailable'
  | 'deadline-exceeded'
  | 'not-found'
  /** Any other gRPC status, e.g. a pull that failed at the registry. */
  | 'failed';

export interface CriError {
  kind: CriErrorKind;
  /** Numeric gRPC status code (12 = UNIMPLEMENTED, 14 = UNAVAILABLE, …). */
  grpcCode: number;
  /** gRPC status details: the runtime's own error text (e.g. containerd's pull error). */
  details: string;
  /** Full method path, e.g. `/runtime.v1.ImageService/PullImage`. */
  method: string;
  endpoint: string;
}

export type CriResult<T> = { ok: true; value: T } | { ok: false; error: CriError };

export interface CriVersion {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface CriCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface CriStatus {
  conditions: CriCondition[];
  /** Verbose only: JSON strings keyed by topic (containerd: `config`, `golang`, …). */
  info: Record<string, string>;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: string;
}

/** Registry credentials as kubelet passes them from an image pull secret. */
export interface CriAuth {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface CriClient {
  readonly endpoint: string;
  version(): Promise<CriResult<CriVersion>>;
  status(verbose?: boolean): Promise<CriResult<CriStatus>>;
  /** Resolves to the runtime's image reference (an image ID on containerd). */
  pullImage(ref: string, auth?: CriAuth): Promise<CriResult<string>>;
  /** null when the image is not present (the CRI answers with an empty image). */
  imageStatus(ref: string): Promise<CriResult<CriImage | null>>;
  listImages(): Promise<CriResult<CriImage[]>>;
  removeImage(ref: string): Promise<CriResult<void>>;
  close(): void;
}
