#!/usr/bin/node
// `systemctl` inside a simulated node (bind-mounted over /usr/bin/systemctl there): hands its arguments
// to the test process's service manager (sim/kubelet/services.ts) and prints its answer, so a hostPID
// pod's `nsenter -t 1 -m … -- systemctl restart containerd` restarts the node's runtime, not this machine's.
const net = require('node:net');

const s = net.connect('/.sim/systemctl.sock');
let out = '';
s.on('connect', () => s.end(JSON.stringify({ argv: process.argv.slice(2) })));
s.on('data', (d) => {
  out += d;
});
s.on('end', () => {
  const r = JSON.parse(out);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.code);
});
s.on('error', () => {
  process.stderr.write("System has not been booted with systemd as init system (PID 1). Can't operate.\n");
  process.exit(1);
});
