// The optional node-scoping admission policy (pure): RBAC lets every agent write the status of any
// MirrorNode; this ValidatingAdmissionPolicy lets an agent (or apply Job) write only the MirrorNode
// named like the node its pod runs on, taken from its bound service-account token
// (userInfo.extra authentication.kubernetes.io/node-name; Kubernetes ≥ 1.30: VAP GA, and the
// ServiceAccountTokenPodNodeInfo claim on by default). Shipped as deploy/components/node-scoped-agent.
import { GROUP, MIRRORNODE } from './api/group.js';
import { NAMESPACE, SERVICE_ACCOUNTS } from './api/meta.js';
import { componentLabels, type Manifest } from './manifests-common.js';

export const POLICY_NAME = 'mirrorctl-node-scoped-agent';
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

const usernames = (namespace: string): string[] =>
  [SERVICE_ACCOUNTS.agent, SERVICE_ACCOUNTS.applyJob].map((sa) => `system:serviceaccount:${namespace}:${sa}`);

export function buildNodeScopedPolicy(namespace = NAMESPACE): Manifest[] {
  const labels = componentLabels('policy', POLICY_NAME);
  const users = usernames(namespace)
    .map((u) => `'${u}'`)
    .join(', ');
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: POLICY_NAME, labels },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [GROUP],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE', 'DELETE'],
              resources: [MIRRORNODE.plural, `${MIRRORNODE.plural}/status`],
            },
          ],
        },
        // Only the node identities are restricted; the controller and administrators are not.
        matchConditions: [{ name: 'node-agent', expression: `request.userInfo.username in [${users}]` }],
        variables: [
          {
            name: 'nodeName',
            expression: `has(request.userInfo.extra) && '${NODE_NAME_EXTRA}' in request.userInfo.extra ? request.userInfo.extra['${NODE_NAME_EXTRA}'] : []`,
          },
        ],
        validations: [
          {
            expression: 'variables.nodeName.exists(n, n == request.name)',
            messageExpression: `'a node agent may only write the MirrorNode of its own node (' + (variables.nodeName.size() > 0 ? variables.nodeName[0] : 'its token names no node') + '), not ' + request.name`,
            reason: 'Forbidden',
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: POLICY_NAME, labels },
      spec: { policyName: POLICY_NAME, validationActions: ['Deny'] },
    },
  ];
}
