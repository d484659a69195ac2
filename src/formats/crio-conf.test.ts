import { describe, expect, it } from 'vitest';
import { crioGlobalAuthFile } from './crio-conf.js';

const f = (path: string, value: string) => ({
  path,
  text: `[crio.image]\nglobal_auth_file = ${JSON.stringify(value)}\n`,
});

describe('crioGlobalAuthFile (crio.conf, then crio.conf.d in lexical order)', () => {
  it('none set: undefined', () => expect(crioGlobalAuthFile(null, []).globalAuthFile).toBeUndefined());
  it('a later drop-in wins over crio.conf and earlier drop-ins, whatever order they are passed in', () => {
    const r = crioGlobalAuthFile(f('/etc/crio/crio.conf', '/a'), [
      f('/etc/crio/crio.conf.d/20-b.conf', '/c'),
      f('/etc/crio/crio.conf.d/10-a.conf', '/b'),
    ]);
    expect(r).toMatchObject({ globalAuthFile: '/c', setBy: '/etc/crio/crio.conf.d/20-b.conf' });
  });
  it('an empty value unsets it (CRI-O default)', () => {
    expect(
      crioGlobalAuthFile(f('/etc/crio/crio.conf', '/a'), [f('/etc/crio/crio.conf.d/10.conf', '')])
        .globalAuthFile,
    ).toBeUndefined();
  });
  it('a file that does not parse is named, not read', () => {
    expect(crioGlobalAuthFile({ path: '/etc/crio/crio.conf', text: '[crio' }, []).unreadable).toEqual([
      '/etc/crio/crio.conf',
    ]);
  });
});
