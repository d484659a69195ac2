// Shared types of the API server stand-in: stored objects, resource definitions and the errors it
// answers with, spelled as kube-apiserver spells them (k8s.io/apimachinery/pkg/api/errors/errors.go:
// NewNotFound, NewAlreadyExists, NewConflict, NewInvalid, NewTooManyRequests, NewResourceExpired).

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type ObjectMeta = Record<string, unknown> & {
  name: string;
  namespace?: string;
  generateName?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
};

export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
} & Record<string, unknown>;

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What `kube-apiserver` serves for one group/resource (storage is shared by all its versions). */
export interface ResourceDef {
  group: string; // '' = core
  /** Served versions; the first is the storage version. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Has a `/status` subresource: main-resource writes keep the old status, `/status` writes only status. */
  status?: boolean;
  /** metadata.generation is kept and bumped when anything but metadata/status changes. */
  generation?: boolean;
  /** A CustomResourceDefinition's resource: no strategic merge patch, PUT needs a resourceVersion. */
  custom?: boolean;
  /** Status set on create is dropped (pods, jobs, CRDs with a status subresource …). */
  dropStatusOnCreate?: boolean;
  /** DELETE answers with the object rather than a Status (pods, serviceaccounts: ReturnDeletedObject). */
  returnsDeletedObject?: boolean;
  /** Field selectors beyond metadata.name / metadata.namespace (the resource's GetAttrs). */
  fields?: Record<string, (o: Obj) => string>;
  /** Default propagation when DELETE names none (batch/v1 Jobs orphan: jobStrategy.DefaultGarbageCollectionPolicy). */
  defaultPropagation?: 'Background' | 'Orphan' | 'Foreground';
  /** Server-side defaulting and create-time preparation (PrepareForCreate), mutating a copy. */
  prepareForCreate?: (o: Obj) => void;
  /** Defaulting that also applies to updates (kube-apiserver defaults every decoded object, so a PUT
   *  of the manifest a create defaulted is a no-op). */
  defaultOnUpdate?: (o: Obj) => void;
  /** Update validation beyond metadata (immutable fields …): a message makes the update 422 Invalid. */
  validateUpdate?: (next: Obj, old: Obj) => { field: string; message: string } | undefined;
}

export const apiVersionOf = (r: ResourceDef, version = r.versions[0] ?? 'v1'): string =>
  r.group ? `${r.group}/${version}` : version;

/** `pods`, `mirrornodes.mirrorctl.io`: how errors name a resource (schema.GroupResource.String()). */
export const qualified = (r: ResourceDef): string => (r.group ? `${r.plural}.${r.group}` : r.plural);

export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

/** A failure answered as a metav1.Status body with its HTTP code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: StatusCause[];
      retryAfterSeconds?: number;
    },
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const detailsOf = (r: ResourceDef, name: string) => ({
  name,
  ...(r.group ? { group: r.group } : {}),
  kind: r.plural,
});

export const notFound = (r: ResourceDef, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, detailsOf(r, name));

export const alreadyExists = (r: ResourceDef, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, detailsOf(r, name));

export const conflict = (r: ResourceDef, name: string, why: string): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    detailsOf(r, name),
  );

export const MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export const invalid = (r: ResourceDef, name: string, field: string, message: string): ApiError =>
  new ApiError(
    422,
    'Invalid',
    `${r.kind}${r.group ? `.${r.group}` : ''} "${name}" is invalid: ${field}: ${message}`,
    {
      ...detailsOf(r, name),
      kind: r.kind,
      causes: [{ type: 'FieldValueInvalid', message, field }],
    },
  );

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const forbidden = (r: ResourceDef, name: string, why: string): ApiError =>
  new ApiError(403, 'Forbidden', `${qualified(r)} "${name}" is forbidden: ${why}`, detailsOf(r, name));

export const tooManyRequests = (
  message: string,
  retryAfterSeconds: number,
  causes?: StatusCause[],
): ApiError =>
  new ApiError(429, 'TooManyRequests', message, {
    ...(causes ? { causes } : {}),
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });

export const expired = (message: string): ApiError => new ApiError(410, 'Expired', message);

/** store.go shouldDeleteDuringUpdate: deleting, no grace period left, no finalizers → gone. Namespaces
 *  go only through the namespace controller (their spec.finalizers hold them). */
export function deletionComplete(def: ResourceDef, o: Obj): boolean {
  const m = o.metadata;
  if (def.group === '' && def.plural === 'namespaces') return false;
  return (
    !!m.deletionTimestamp && (m.deletionGracePeriodSeconds ?? 0) === 0 && (m.finalizers ?? []).length === 0
  );
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 3339 with second precision, as metav1.Time marshals. */
export const timestamp = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
