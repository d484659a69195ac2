// How a key path is spelled for toml-edit-js and in messages.
const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** C0 controls and DEL: TOML basic strings need escapes for them. */
export const hasControlChar = (s: string): boolean =>
  [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

// toml-edit-js splits its path on dots outside double quotes and has no escape syntax.
const quotable = (key: string): boolean => key !== '' && !/["\\]/.test(key) && !hasControlChar(key);

/** One key segment as TOML spells it: bare when allowed, else double-quoted. */
export function formatKeySegment(key: string): string {
  if (BARE_KEY.test(key)) return key;
  if (quotable(key)) return `"${key}"`;
  throw new Error(
    `TOML key segment cannot be edited (quote, backslash or control char): ${JSON.stringify(key)}`,
  );
}

/** `plugins."io.containerd.grpc.v1.cri".registry` — for messages and the editor's path syntax. */
export const formatKeyPath = (keys: readonly string[]): string => keys.map(formatKeySegment).join('.');
