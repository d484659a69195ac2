// The verify report: one line per check, each with its evidence. Printed as text or JSON.
import type { Target } from '../spec/types.js';

export const VERIFY_API_VERSION = 'mirrorctl/verify-v1';

export interface VerifyCheck {
  /** `applied`, `files`, `spec`, `cri`, `config-path`, `mirror:<image>`, `pull:<image>`. */
  id: string;
  ok: boolean;
  /** false = informational (not run, or nothing to compare): never fails the report. */
  counted: boolean;
  detail: string;
  latencyMs?: number;
}

export interface VerifyReport {
  apiVersion: typeof VERIFY_API_VERSION;
  kind: 'VerifyReport';
  target?: Target;
  checks: VerifyCheck[];
  ok: boolean;
}
