// The input format (mirrors.yaml), as one zod schema: the single source for validation, defaults
// and docs/mirrorset.schema.json. Objects are strict (unknown fields are errors, a typo must never
// be ignored silently). Field-level syntax (hosts, URLs, header names, durations) is checked here
// too, so every broken field is reported in one pass; cross-field rules live in rules.ts.
import { z } from 'zod';
import { nodeSelectorSchema, ROLLOUT_DEFAULTS, rolloutSchema } from './cluster-fields.js';
import type { Finding } from './finding.js';
import { parseSource } from './source-syntax.js';
import { CAPABILITIES, PATH_MODES, PULL_FROM, SPEC_API_VERSIONS, TARGETS } from './types.js';
import { parseMirrorUrl } from './url-syntax.js';
import {
  checkDialTimeout,
  checkHeaderName,
  checkHeaderValue,
  checkMetadataName,
  checkSecretKey,
  checkSecretName,
} from './value-syntax.js';

type RefineCtx = z.RefinementCtx;

/** Reports field findings as zod custom issues that carry our stable code and hint. */
const reportFindings =
  <T>(check: (value: T) => readonly Finding[]) =>
  (value: T, ctx: RefineCtx): void => {
    for (const f of check(value))
      ctx.addIssue({ code: 'custom', message: f.message, params: { code: f.code, hint: f.hint } });
  };

const sourceField = z
  .string()
  .superRefine(reportFindings((s: string) => parseSource(s).findings))
  .meta({
    description:
      'Registry whose pulls are mirrored: host[:port] with an optional repository prefix (icr.io/cpopen, registry.example.com:5000), or "*" for every registry. Docker Hub aliases (index.docker.io, registry-1.docker.io) mean docker.io.',
    examples: ['icr.io/cpopen', 'docker.io', 'registry.example.com:5000', '*'],
  });

const urlField = z
  .string()
  .superRefine(reportFindings((s: string) => parseMirrorUrl(s).findings))
  .meta({
    description:
      'Mirror endpoint: http(s)://host[:port][/path]. http:// means plain HTTP. No credentials, query or fragment.',
    examples: ['https://mirror.example.com', 'http://10.0.0.5:5000/dpod'],
  });

/** The namespace every Secret a spec names lives in (the controller and agents read only there). */
export const SECRET_NAMESPACE = 'mirrorctl';

const secretRefFields = {
  name: z.string().superRefine(reportFindings(checkSecretName)).meta({ description: 'Secret name.' }),
  namespace: z
    .string()
    .default(SECRET_NAMESPACE)
    .meta({
      description: `Secret namespace; must be ${SECRET_NAMESPACE} (the only namespace mirrorctl reads Secrets from).`,
    }),
};

const secretRefSchema = z
  .strictObject(secretRefFields)
  .meta({ description: 'A Kubernetes Secret (cluster mode; node-level verbs cannot read it).' });

const authSchema = z
  .strictObject({
    file: z.string().min(1).optional().meta({
      description:
        'docker config.json / containers auth.json holding an entry for the mirror host[:port], relative to the spec file (node mode).',
    }),
    secretRef: z
      .strictObject({
        ...secretRefFields,
        key: z
          .string()
          .superRefine(reportFindings(checkSecretKey))
          .default('.dockerconfigjson')
          .meta({ description: 'Key holding the config.json (default .dockerconfigjson).' }),
      })
      .optional()
      .meta({ description: 'A kubernetes.io/dockerconfigjson Secret (cluster mode).' }),
  })
  .meta({
    description:
      'Credentials for this mirror, by reference only (exactly one of file, secretRef); never inline. Looked up by the mirror host[:port].',
  });

const tlsSchema = z
  .strictObject({
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .meta({ description: 'Skip verification of the mirror certificate.' }),
    caFile: z.string().min(1).optional().meta({ description: 'PEM CA bundle, relative to the spec file.' }),
    certFile: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM client certificate (requires keyFile).' }),
    keyFile: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM private key, unencrypted (requires certFile).' }),
    secretRef: secretRefSchema.optional().meta({
      description:
        'Secret with the kubernetes.io/tls keys tls.crt + tls.key (client certificate) and/or ca.crt (cluster mode; instead of the *File paths).',
    }),
  })
  .meta({ description: 'TLS settings for an https:// mirror.' });

const headersSchema = z
  .record(
    z.string().superRefine(reportFindings(checkHeaderName)),
    z.array(z.string().superRefine(reportFindings(checkHeaderValue))).min(1),
  )
  .meta({ description: 'Extra request headers: name → values. Values are treated as secrets in output.' });

export const mirrorInputSchema = z.strictObject({
  url: urlField,
  path: z.enum(PATH_MODES).default('namespace').meta({
    description:
      'namespace: the URL path replaces the source prefix; api-root: the URL is the registry API root (containerd override_path); mount: the /v2 API is mounted under the URL path.',
  }),
  pullFrom: z.enum(PULL_FROM).default('all').meta({ description: 'Which references the mirror serves.' }),
  capabilities: z
    .array(z.enum(CAPABILITIES))
    .min(1)
    .default(['pull', 'resolve'])
    .meta({ description: 'containerd host capabilities.' }),
  tls: tlsSchema.default({ insecureSkipVerify: false }),
  headers: headersSchema.default({}),
  headersFrom: z.strictObject({ secretRef: secretRefSchema }).optional().meta({
    description: 'More headers from a Secret: each key is a header name, its value the value (cluster mode).',
  }),
  auth: authSchema.optional(),
  dialTimeout: z.string().superRefine(reportFindings(checkDialTimeout)).optional().meta({
    description: 'TCP connect timeout as a Go duration ("3s"); only emitted where the runtime supports it.',
  }),
});

export const registryInputSchema = z.strictObject({
  source: sourceField,
  fallback: z
    .boolean()
    .default(true)
    .meta({ description: 'false = never contact the source (mirror only).' }),
  mirrors: z
    .array(mirrorInputSchema)
    .min(1)
    .meta({ description: 'Mirrors tried in order before the source.' }),
  only: z
    .array(z.enum(TARGETS))
    .min(1)
    .optional()
    .meta({ description: 'Restrict this entry to some targets.' }),
});

export const mirrorSetInputSchema = z
  .strictObject({
    // Two names for one document: mirrorctl/v1 (files since the start) and the CRD's group/version,
    // so the same file is `kubectl apply`-able and `mirrorctl apply`-able.
    apiVersion: z.enum(SPEC_API_VERSIONS).meta({
      description: 'mirrorctl.io/v1alpha1 (the MirrorSet CRD; also for files) or mirrorctl/v1 (files only).',
    }),
    kind: z.literal('MirrorSet'),
    metadata: z.strictObject({
      name: z.string().superRefine(reportFindings(checkMetadataName)).meta({
        description: 'DNS-1123 label: names the drop-in files and cluster objects.',
      }),
    }),
    spec: z.strictObject({
      registries: z.array(registryInputSchema).min(1),
      nodeSelector: nodeSelectorSchema.optional(),
      rollout: rolloutSchema.default(ROLLOUT_DEFAULTS),
    }),
  })
  .meta({ title: 'MirrorSet', description: 'mirrorctl registry-mirror specification (mirrors.yaml).' });

/** The spec after zod: defaults applied, field syntax checked, not yet normalized. */
export type MirrorSetInput = z.output<typeof mirrorSetInputSchema>;
export type RegistryInput = z.output<typeof registryInputSchema>;
export type MirrorInput = z.output<typeof mirrorInputSchema>;
