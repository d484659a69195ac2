// The long-running agent's runtime control: it performs no restart and no reload, ever (it has no
// privilege to, and the controller decides when a node's runtime may go down). Decisions never ask
// it to; if a plan changed under the lock so that it would, the transaction fails and rolls back.
import type { RuntimeControl } from '../../host/runtime-port.js';

export const noRuntimeAction: RuntimeControl = {
  async perform(action) {
    if (action.kind === 'none') return { ok: true, detail: 'no runtime action needed' };
    return {
      ok: false,
      timedOut: false,
      error: `the node agent performs no ${action.kind} of ${action.service}: that needs a permit and the apply Job`,
    };
  },
};
