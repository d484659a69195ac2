// Runs inside a simulated node (child of its PID 1): forwards node-local TCP addresses to the test
// process over unix sockets (the API server at 10.96.0.1:443, registries on 127.0.0.1:<port> …), and
// lets the test process reach ports inside the node (probes) through /.sim/dial.sock: the first line
// of a connection names "<host> <port>", the rest is piped. Node built-ins only: it runs from /.sim.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const cfg = JSON.parse(readFileSync('/.sim/config.json', 'utf8'));
const pipe = (a, b) => {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
};
let pending = cfg.forwards.length + 1;
const listening = () => {
  pending--;
  if (pending === 0) writeFileSync('/.sim/ready', String(process.pid));
};
for (const f of cfg.forwards)
  createServer((c) => pipe(c, connect(f.socket))).listen(f.port, f.host, listening);
rmSync('/.sim/dial.sock', { force: true });
createServer((c) => {
  let buf = Buffer.alloc(0);
  const onData = (d) => {
    buf = Buffer.concat([buf, d]);
    const nl = buf.indexOf(10);
    if (nl < 0) return;
    c.off('data', onData);
    c.pause();
    const [host, port] = buf.subarray(0, nl).toString().split(' ');
    const rest = buf.subarray(nl + 1);
    const t = connect(Number(port), host, () => {
      if (rest.length > 0) t.write(rest);
      pipe(c, t);
      c.resume();
    });
    t.on('error', () => c.destroy());
  };
  c.on('data', onData);
  c.on('error', () => {});
}).listen('/.sim/dial.sock', listening);
