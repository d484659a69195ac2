// The Kubernetes API server stand-in, re-exported from test/cluster/apiserver/ where it lives (split by
// concern: storage, writes, deletes, lifecycle, watch, faults, accounting). See test/cluster/README.md.
export type { RequestRecord, WriteRecord } from './apiserver/accounting.js';
export { InternalClient } from './apiserver/client.js';
export { customResource, MIRRORCTL_CRDS } from './apiserver/custom-resources.js';
export type { Delay, Fault } from './apiserver/faults.js';
export type { Identity } from './apiserver/handlers.js';
export { matchesLabelSelector, matchesSelector } from './apiserver/selectors.js';
export { type ChangeListener, FakeApiServer, type FakeApiServerOptions } from './apiserver/server.js';
export { SERVICE_IP } from './apiserver/tls.js';
export type { Obj, OwnerReference, ResourceDef } from './apiserver/types.js';
