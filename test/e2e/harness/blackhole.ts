// An address whose TCP connects hang (SYNs go into a tun device nobody reads), to model a mirror
// behind a firewall that drops packets. Only inside the private network namespace of run-e2e.sh.
import { run, runOk } from './exec.js';

const DEVICE = 'mirrorctl-bh0';

/** Creates the device once per namespace and returns an IP on it that never answers. */
export async function blackholeAddress(): Promise<string> {
  const exists = await run(['ip', 'link', 'show', DEVICE]);
  if (exists.code !== 0) {
    await runOk(['ip', 'tuntap', 'add', 'dev', DEVICE, 'mode', 'tun']);
    await runOk(['ip', 'addr', 'add', '10.99.0.1/24', 'dev', DEVICE]);
    await runOk(['ip', 'link', 'set', DEVICE, 'up']);
  }
  return '10.99.0.2';
}
