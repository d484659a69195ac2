// Syntax of the small scalar fields: HTTP header names/values, Go durations, metadata.name.
import type { Finding } from './finding.js';

/** RFC 9110 §5.6.2 token. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Go time.ParseDuration units, ASCII only. */
const GO_DURATION =
  /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|ms|s|m|h)(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|ms|s|m|h))*$/;
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain (Secret names), IsConfigMapKey (Secret keys).
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

const isControl = (ch: string): boolean => {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || cp === 0x7f;
};

export function checkHeaderName(name: string): Finding[] {
  if (HTTP_TOKEN.test(name)) return [];
  return [
    {
      code: 'spec.header.name',
      message: `header name ${JSON.stringify(name)} is not an HTTP token`,
      hint: 'header names are letters, digits and !#$%&\'*+-.^_`|~ (no spaces, ":" or control characters)',
    },
  ];
}

export function checkHeaderValue(value: string): Finding[] {
  // CR/LF would inject headers; other controls are rejected by every HTTP client anyway.
  if (/[\r\n]/.test(value)) {
    return [
      {
        code: 'spec.header.value',
        message: 'header value contains a line break',
        hint: 'remove CR/LF: they would inject extra headers',
      },
    ];
  }
  // Tab is allowed in field values (RFC 9110 §5.5); every other control character is not.
  if ([...value].some((ch) => isControl(ch) && ch !== '\t')) {
    return [{ code: 'spec.header.value', message: 'header value contains a control character' }];
  }
  return [];
}

export function checkDialTimeout(value: string): Finding[] {
  const hint = 'a Go duration such as "500ms", "3s" or "1m30s" (units ns, us, ms, s, m, h)';
  if (!GO_DURATION.test(value)) {
    return [
      {
        code: 'spec.dial-timeout',
        message: `dialTimeout ${JSON.stringify(value)} is not a Go duration`,
        hint,
      },
    ];
  }
  if (!/[1-9]/.test(value)) {
    return [{ code: 'spec.dial-timeout', message: 'dialTimeout must be greater than zero', hint }];
  }
  return [];
}

export function checkMetadataName(name: string): Finding[] {
  if (DNS1123_LABEL.test(name)) return [];
  return [
    {
      code: 'spec.metadata.name',
      message: `name ${JSON.stringify(name)} is not a DNS-1123 label`,
      hint: 'use 1–63 lowercase letters, digits or "-", starting and ending with a letter or digit (it names files and cluster objects)',
    },
  ];
}

export function checkSecretName(name: string): Finding[] {
  if (name.length <= 253 && DNS1123_SUBDOMAIN.test(name)) return [];
  return [
    {
      code: 'spec.secret-ref.name',
      message: `Secret name ${JSON.stringify(name)} is not a Kubernetes object name`,
      hint: 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", at most 253 characters',
    },
  ];
}

export function checkSecretKey(key: string): Finding[] {
  if (key.length <= 253 && SECRET_KEY.test(key) && key !== '.' && key !== '..') return [];
  return [
    {
      code: 'spec.secret-ref.key',
      message: `Secret key ${JSON.stringify(key)} is not a valid key`,
      hint: 'letters, digits, "-", "_" and "." (a kubernetes.io/dockerconfigjson Secret uses .dockerconfigjson)',
    },
  ];
}
