// RFC 7235 WWW-Authenticate parsing: one header may carry several challenges
// (`Bearer realm="…",service="…",scope="…", Basic realm="…"`), and Node joins repeated headers
// with ", ". Modelled on containerd remotes/docker/auth/parse.go.

export interface Challenge {
  /** Lowercased scheme: `bearer`, `basic`, … */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header;
  let current: Challenge | undefined;
  for (;;) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') break;
    const tok = TOKEN.exec(rest)?.[0];
    if (!tok) break; // malformed tail: keep what was parsed
    const after = rest.slice(tok.length);
    const param = /^\s*=\s*/.exec(after);
    if (param && current) {
      rest = after.slice(param[0].length);
      const { value, remaining } = readValue(rest);
      current.params[tok.toLowerCase()] = value;
      rest = remaining;
      continue;
    }
    // token68 forms (`Negotiate abc==`) carry no params we use; a bare token starts a challenge.
    current = { scheme: tok.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
  }
  return challenges;
}

function readValue(text: string): { value: string; remaining: string } {
  if (!text.startsWith('"')) {
    const tok = TOKEN.exec(text)?.[0] ?? '';
    return { value: tok, remaining: text.slice(tok.length) };
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      value += text[++i];
    } else if (c === '"') {
      return { value, remaining: text.slice(i + 1) };
    } else {
      value += c;
    }
  }
  return { value, remaining: '' };
}
