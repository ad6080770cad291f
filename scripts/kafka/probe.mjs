#!/usr/bin/env node
// Readiness probe for scripts/kafka/kafka.sh: sends one Kafka Metadata request (v4, the
// oldest version a 4.x broker still accepts after KIP-896, also understood by 1.x-3.x)
// and succeeds only when the broker lists at least one live broker and a controller.
// No dependencies: Node's `net` module and the Kafka wire format only.
//
//   node probe.mjs 127.0.0.1:9092 [timeoutMs]   exit 0 = ready, 1 = not ready (reason on stderr)
import net from 'node:net';

const [hostPort = '127.0.0.1:9092', timeoutArg = '2000'] = process.argv.slice(2);
const sep = hostPort.lastIndexOf(':');
const host = hostPort.slice(0, sep);
const port = Number(hostPort.slice(sep + 1));
const timeoutMs = Number(timeoutArg);

const METADATA = 3;
const VERSION = 4;
const CORRELATION_ID = 0x4576;
const CLIENT_ID = Buffer.from('eventline-probe');

function request() {
  // header v1: api_key, api_version, correlation_id, client_id; body: topics = null (all), allow_auto_create = false
  const body = Buffer.alloc(2 + 2 + 4 + 2 + CLIENT_ID.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(METADATA, o);
  o = body.writeInt16BE(VERSION, o);
  o = body.writeInt32BE(CORRELATION_ID, o);
  o = body.writeInt16BE(CLIENT_ID.length, o);
  o += CLIENT_ID.copy(body, o);
  o = body.writeInt32BE(-1, o);
  body.writeInt8(0, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parse(buf) {
  let o = 0;
  const int16 = () => ((o += 2), buf.readInt16BE(o - 2));
  const int32 = () => ((o += 4), buf.readInt32BE(o - 4));
  const str = () => {
    const len = int16();
    if (len < 0) return null;
    o += len;
    return buf.toString('utf8', o - len, o);
  };
  if (int32() !== CORRELATION_ID) throw new Error('unexpected correlation id');
  int32(); // throttle_time_ms
  const brokers = [];
  for (let n = int32(); n > 0; n--) {
    const nodeId = int32();
    const brokerHost = str();
    const brokerPort = int32();
    str(); // rack
    brokers.push(`${nodeId}@${brokerHost}:${brokerPort}`);
  }
  const clusterId = str();
  const controllerId = int32();
  return { brokers, clusterId, controllerId };
}

function fail(reason) {
  process.stderr.write(`not ready: ${reason}\n`);
  process.exit(1);
}

const socket = net.connect({ host, port });
socket.setTimeout(timeoutMs, () => {
  socket.destroy();
  fail(`no answer within ${timeoutMs} ms`);
});
socket.on('error', (err) => fail(err.code ?? err.message));
socket.on('connect', () => socket.write(request()));
let pending = Buffer.alloc(0);
socket.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  if (pending.length < 4 || pending.length < 4 + pending.readInt32BE(0)) return;
  socket.destroy();
  let meta;
  try {
    meta = parse(pending.subarray(4, 4 + pending.readInt32BE(0)));
  } catch (err) {
    fail(`bad metadata response: ${err.message}`);
  }
  if (meta.brokers.length === 0) fail('metadata lists no live broker yet');
  if (meta.controllerId < 0) fail('metadata names no controller yet');
  process.stdout.write(
    `ready: cluster ${meta.clusterId}, brokers ${meta.brokers.join(',')}, controller ${meta.controllerId}\n`,
  );
  process.exit(0);
});
socket.on('end', () => fail('connection closed by broker'));
