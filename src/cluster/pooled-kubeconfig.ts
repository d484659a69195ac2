// client-node 1.4 builds a new http(s).Agent for every request (KubeConfig.applySecurityAuthentication
// → createAgent), so every call opens a new TCP + TLS connection: at 5,000 log reads that dominated
// the CLI's CPU. This KubeConfig keeps one keep-alive agent with the same TLS options instead.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

export class PooledKubeConfig extends KubeConfig {
  private pooled: HttpAgent | HttpsAgent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    // Proxy agents are left alone: their options are not plain TLS options.
    if (!fresh || (fresh.constructor !== HttpAgent && fresh.constructor !== HttpsAgent)) return;
    if (!this.pooled) {
      const options = (fresh as HttpAgent & { options?: object }).options ?? {};
      this.pooled =
        fresh instanceof HttpsAgent
          ? new HttpsAgent({ ...options, keepAlive: true, maxSockets: 32 })
          : new HttpAgent({ ...options, keepAlive: true, maxSockets: 32 });
    }
    context.setAgent(this.pooled);
  }
}
