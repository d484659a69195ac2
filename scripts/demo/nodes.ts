// The example nodes `npm run demo` works on: captured node trees under examples/nodes/<name>/ (the
// same trees as test/fixtures/hosts), with the runtime version a real node would report — a root
// prefix is not this machine, so mirrorctl does not run the node's binaries to ask.
export interface ExampleNode {
  /** Directory under examples/nodes/. */
  name: string;
  title: string;
  runtimeVersion: string;
  /** What the reader should notice on this node. */
  note: string;
  /** Extra flags for plan/apply on this node, with the reason printed before they are used. */
  applyFlags?: { flags: string[]; why: string };
}

export const EXAMPLE_NODES: readonly ExampleNode[] = [
  {
    name: 'containerd-1.6',
    title: 'containerd 1.6.20, config version 2 (Debian 12)',
    runtimeVersion: '1.6.20',
    note: 'hosts.toml files need config_path in config.toml: a one-line edit, so containerd must restart once',
  },
  {
    name: 'containerd-2.1',
    title: 'containerd 2.1.4, config version 3',
    runtimeVersion: '2.1.4',
    note: 'config_path is a `:` list here, which 2.1 transfer-service pulls ignore; a hand-written docker.io hosts.toml exists',
    applyFlags: {
      flags: ['--take-over'],
      why: 'the hand-written certs.d/docker.io/hosts.toml is refused (exit 5) unless --take-over: it is backed up and uninstall restores it',
    },
  },
  {
    name: 'crio-1.25',
    title: 'CRI-O 1.25.4 (registries.conf + drop-ins)',
    runtimeVersion: '1.25.4',
    note: 'CRI-O rewrites by prefix (namespace mode): one drop-in in registries.conf.d, then a reload (SIGHUP), no restart',
  },
  {
    name: 'docker-24',
    title: 'Docker 24.0.7 with cri-dockerd',
    runtimeVersion: '24.0.7',
    note: 'Docker mirrors Docker Hub only: daemon.json registry-mirrors, every other key kept, then a reload',
  },
];
