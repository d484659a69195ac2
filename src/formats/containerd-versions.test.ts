import { describe, expect, it } from 'vitest';
import { type ContainerdGates, containerdGates } from './containerd-versions.js';

type Row = [string | undefined, Partial<ContainerdGates>];

// One row per boundary in runtime-semantics.md §0.1.
const ROWS: Row[] = [
  [
    undefined,
    { known: false, overridePath: true, defaultDir: false, dialTimeout: false, maxConfigVersion: 2 },
  ],
  ['garbage', { known: false, overridePath: true, defaultDir: false }],
  ['1.5.18', { configPath: true, overridePath: false, defaultDir: false }],
  ['1.6.16', { overridePath: true, defaultDir: false, hostlessHostsToml: false }],
  ['1.6.17', { defaultDir: true, httpsFirstForHttpWithTls: false }],
  [
    '1.6.20~ds1',
    { known: true, defaultDir: true, hostlessHostsToml: false, dialTimeout: false, referrers: false },
  ],
  ['1.6.25', { httpsFirstForHttpWithTls: true, httpsFirstExplicitPort: true, ipv6Hosts: false }],
  ['1.7.6', { httpsFirstForHttpWithTls: true, httpsFirstExplicitPort: false, httpsFirstAnyPort: false }],
  ['1.7.7', { httpsFirstExplicitPort: true, httpsFirstAnyPort: false }],
  ['1.7.24', { httpsFirstExplicitPort: true, httpsFirstAnyPort: true }],
  [
    '1.7.31',
    {
      hostlessHostsToml: false,
      ipv6Hosts: true,
      configV3: false,
      versionlessRegistry: 'cri-plugin',
      importsDeepMerge: false,
      legacyTlsConfigs: true,
    },
  ],
  ['1.7.32', { hostlessHostsToml: true }],
  ['v1.7.11-k3s2', { known: true, hostlessHostsToml: false }],
  [
    '2.0.6',
    {
      hostlessHostsToml: true,
      dialTimeout: false,
      configV3: true,
      versionlessRegistry: 'images-plugin-only',
      importsDeepMerge: true,
      legacyTlsConfigs: false,
    },
  ],
  [
    '2.0.7',
    { dialTimeout: true, transferServicePulls: false, useLocalImagePull: false, defaultConfigVersion: 3 },
  ],
  [
    '2.1.0',
    {
      dialTimeout: true,
      transferServicePulls: true,
      useLocalImagePull: true,
      referrers: false,
      implicitConfigPathList: false,
    },
  ],
  [
    '2.2.1',
    {
      referrers: true,
      configV4: false,
      maxConfigVersion: 3,
      implicitConfigPathList: true,
      defaultConfigPathBakedIn: true,
    },
  ],
  [
    '2.2.2',
    {
      implicitConfigPathList: true,
      defaultConfigPathBakedIn: false,
      versionlessRegistry: 'images-plugin-only',
    },
  ],
  [
    '2.3.4',
    { configV4: true, maxConfigVersion: 4, defaultConfigPathBakedIn: false, versionlessRegistry: 'migrated' },
  ],
];

describe('containerdGates', () => {
  it.each(ROWS)('%s', (version, expected) => {
    expect(containerdGates(version)).toMatchObject(expected);
  });
});
