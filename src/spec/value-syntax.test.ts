import { describe, expect, it } from 'vitest';
import { checkDialTimeout, checkHeaderName, checkHeaderValue, checkMetadataName } from './value-syntax.js';

describe('checkHeaderName', () => {
  it.each(['X-Meta', 'Authorization', 'x_a', "a!#$%&'*+-.^_`|~9"])('accepts %j', (n) =>
    expect(checkHeaderName(n)).toEqual([]),
  );
  it.each(['', 'X Meta', 'X:Meta', 'X\nY', 'Ä', '(x)', 'a/b', 'a"b'])('rejects %j', (n) =>
    expect(checkHeaderName(n)[0]?.code).toBe('spec.header.name'),
  );
});

describe('checkHeaderValue', () => {
  it.each(['', 'Bearer abc', 'a\tb', 'ünïcode'])('accepts %j', (v) =>
    expect(checkHeaderValue(v)).toEqual([]),
  );
  it.each(['a\r\nX: y', 'a\nb', 'a\rb', 'a\0b', 'a\x7fb'])('rejects %j', (v) =>
    expect(checkHeaderValue(v)[0]?.code).toBe('spec.header.value'),
  );
});

describe('checkDialTimeout', () => {
  it.each(['1s', '500ms', '1m30s', '1.5s', '.5s', '2h', '100us', '10ns', '1h2m3s4ms'])('accepts %j', (d) =>
    expect(checkDialTimeout(d)).toEqual([]),
  );
  it.each(['', '3', 's', '0s', '0', '-1s', '+1s', '3 s', '3S', '1d', '3µs', 'PT3S', '1s ', '0.0s', '0h0m'])(
    'rejects %j',
    (d) => expect(checkDialTimeout(d)[0]?.code).toBe('spec.dial-timeout'),
  );
});

describe('checkMetadataName', () => {
  it.each(['a', 'dpod', 'my-mirrors-2', 'a'.repeat(63)])('accepts %j', (n) =>
    expect(checkMetadataName(n)).toEqual([]),
  );
  it.each(['', 'A', 'a_b', 'a.b', '-a', 'a-', 'a'.repeat(64), 'a b', '../x'])('rejects %j', (n) =>
    expect(checkMetadataName(n)[0]?.code).toBe('spec.metadata.name'),
  );
});
