// Order of file operations inside a transaction: certificates and keys are written before the
// hosts.toml that names them (a pull in between must never see a hosts.toml pointing at a missing
// file), and deleted after it for the same reason.
import type { TxOp } from './transaction.js';

const isCertLike = (path: string): boolean => /\.(pem|crt|cert|key)$/.test(path);

function rank(op: TxOp): number {
  const cert = isCertLike(op.path);
  if (op.after !== null) return cert ? 0 : 1;
  return cert ? 3 : 2;
}

/** Stable: within a rank the given (plan) order is kept. */
export const orderOps = (ops: readonly TxOp[]): TxOp[] =>
  ops
    .map((op, i) => ({ op, i }))
    .sort((a, b) => rank(a.op) - rank(b.op) || a.i - b.i)
    .map((x) => x.op);
