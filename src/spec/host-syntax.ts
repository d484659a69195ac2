// Strict registry host[:port] grammar shared by `source` and mirror URLs. A host becomes a
// directory name (certs.d/<host>) and a TOML key on every node, so anything outside plain DNS
// labels, IPv4 or a bracketed IPv6 literal is rejected with the exact reason (never "fixed").
import { z } from 'zod';
import type { Finding } from './finding.js';

export interface HostPort {
  /** Lowercased host; IPv6 keeps its brackets. */
  host: string;
  port?: number;
  /** `host` or `host:port`, as used for directories and URLs. */
  hostPort: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DIGITS = /^[0-9]+$/;
const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/** Look-alikes and invisible characters people paste from chat and docs. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp === 0) return 'a NUL byte';
  if (ch === '\n') return 'a newline';
  if (ch === '\r') return 'a carriage return';
  if (ch === '\t') return 'a tab';
  if (cp < 0x20 || cp === 0x7f) return `a control character (${hex})`;
  if (ch === ' ') return 'a space';
  if (cp > 0x7f) return `the non-ASCII character ${JSON.stringify(ch)} (${hex})`;
  return JSON.stringify(ch);
}

/** Characters that are never part of a host or URL authority, whatever the position. */
export const isNeverInHost = (ch: string): boolean => {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0x20 || cp >= 0x7f || ch === '"' || ch === "'" || ch === '`' || ch === '\\';
};

/** First character that can never appear in a host[:port]: reported before any structural check. */
export function findForbiddenHostChar(text: string): Finding | undefined {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp > 0x7f) {
      return {
        code: 'spec.host.non-ascii',
        message: `host contains ${describeChar(ch)}`,
        hint: 'registry hosts are ASCII; write internationalized names in punycode (xn--…), and check for look-alike characters pasted from documents',
      };
    }
    if (cp < 0x20 || cp === 0x7f || ch === ' ') {
      return { code: 'spec.host.invalid-char', message: `host contains ${describeChar(ch)}` };
    }
    if (!/[a-zA-Z0-9.\-:[\]]/.test(ch)) {
      return {
        code: 'spec.host.invalid-char',
        message: `host contains ${describeChar(ch)}`,
        hint: 'a host is DNS labels (letters, digits, "-") separated by ".", an IPv4 address, or [IPv6], optionally :port',
      };
    }
  }
  return undefined;
}

export function parsePort(text: string): { port?: number; finding?: Finding } {
  const bad = (message: string): { finding: Finding } => ({
    finding: {
      code: 'spec.host.port',
      message,
      hint: 'a port is a decimal number from 1 to 65535, e.g. :5000',
    },
  });
  if (text === '') return bad('port is empty after ":"');
  if (!DIGITS.test(text)) return bad(`port ${JSON.stringify(text)} is not a number`);
  if (text.length > 1 && text.startsWith('0')) return bad(`port ${text} has leading zeros`);
  const port = Number(text);
  if (port < 1 || port > 65535) return bad(`port ${text} is out of range 1–65535`);
  return { port };
}

function checkDnsName(host: string): Finding | undefined {
  if (host === '') return { code: 'spec.host.empty', message: 'host is empty' };
  if (host.startsWith('.') || host.includes('..')) {
    return {
      code: 'spec.host.empty-label',
      message: `host ${JSON.stringify(host)} has an empty label ("." at the start or "..")`,
    };
  }
  if (host.endsWith('.')) {
    return {
      code: 'spec.host.trailing-dot',
      message: `host ${JSON.stringify(host)} ends with "."`,
      hint: `write ${JSON.stringify(host.replace(/\.+$/, ''))}: a trailing dot names a different directory and TLS name`,
    };
  }
  if (host.length > 253)
    return { code: 'spec.host.too-long', message: `host is ${host.length} characters; the limit is 253` };
  const labels = host.split('.');
  for (const label of labels) {
    if (label === '')
      return {
        code: 'spec.host.empty-label',
        message: `host ${JSON.stringify(host)} has an empty label ("..")`,
      };
    if (!LABEL.test(label)) {
      return {
        code: 'spec.host.label',
        message: `host label ${JSON.stringify(label)} is invalid`,
        hint: 'labels are 1–63 letters, digits or "-", not starting or ending with "-"',
      };
    }
  }
  const lastLabel = labels[labels.length - 1] ?? '';
  if (DIGITS.test(lastLabel) && !ipv4.safeParse(host).success) {
    return {
      code: 'spec.host.ipv4',
      message: `host ${JSON.stringify(host)} looks like an IPv4 address but is not one`,
      hint: 'write four decimal octets 0–255 without leading zeros, e.g. 10.0.0.5',
    };
  }
  return undefined;
}

/** Parses `host`, `host:port`, `[v6]`, `[v6]:port` strictly; the host is lowercased. */
export function parseHostPort(raw: string): { value?: HostPort; findings: Finding[] } {
  const forbidden = findForbiddenHostChar(raw);
  if (forbidden) return { findings: [forbidden] };
  const text = raw.toLowerCase();
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0)
      return { findings: [{ code: 'spec.host.ipv6', message: 'IPv6 address has no closing "]"' }] };
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) {
      return {
        findings: [
          { code: 'spec.host.invalid-char', message: `unexpected ${JSON.stringify(rest)} after "]"` },
        ],
      };
    }
    if (rest.startsWith(':')) portText = rest.slice(1);
    const inner = host.slice(1, -1);
    if (!ipv6.safeParse(inner).success) {
      return {
        findings: [
          { code: 'spec.host.ipv6', message: `${JSON.stringify(host)} is not a valid IPv6 address` },
        ],
      };
    }
  } else {
    if (text.includes('[') || text.includes(']')) {
      return {
        findings: [
          {
            code: 'spec.host.invalid-char',
            message: `host contains ${text.includes(']') ? '"]"' : '"["'} outside an IPv6 literal`,
          },
        ],
      };
    }
    const colons = text.split(':').length - 1;
    if (colons > 1) {
      const looksV6 =
        ipv6.safeParse(text).success || ipv6.safeParse(text.slice(0, text.lastIndexOf(':'))).success;
      return {
        findings: [
          {
            code: looksV6 ? 'spec.host.ipv6-brackets' : 'spec.host.invalid-char',
            message: looksV6
              ? `IPv6 address ${JSON.stringify(raw)} must be in brackets`
              : `host ${JSON.stringify(raw)} has more than one ":"`,
            hint: looksV6 ? 'write [fd00::1] or [fd00::1]:5000' : 'write host or host:port',
          },
        ],
      };
    }
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    if (colon >= 0) portText = text.slice(colon + 1);
    const dns = checkDnsName(host);
    if (dns) return { findings: [dns] };
  }
  let port: number | undefined;
  if (portText !== undefined) {
    const parsed = parsePort(portText);
    if (parsed.finding) return { findings: [parsed.finding] };
    port = parsed.port;
  }
  return {
    value: {
      host,
      ...(port === undefined ? {} : { port }),
      hostPort: port === undefined ? host : `${host}:${port}`,
    },
    findings: [],
  };
}
