import { SecureConfigError } from '../core/errors';
import { MeshMode } from './mesh';
import { Connection, ConnectionOptions, IPeer, PeerInfo, Protocol } from './peer';
import { checkPortNumber } from '../core/validate';

export type { Connection, ConnectionOptions } from './peer';

function peerKey(p: PeerInfo): string {
  return `${p.kind}:${p.namespace ?? ''}:${JSON.stringify(p.podLabels ?? {})}:${p.cidr ?? ''}:${(p.except ?? []).join(',')}`;
}

function samePeer(a: PeerInfo, b: PeerInfo): boolean {
  return a === b || (a.workload || b.workload ? a.workload === b.workload : peerKey(a) === peerKey(b));
}

/**
 * Whether two connections are the same intent, for de-duplication of repeated intents. Compared
 * rather than keyed: a stored key per connection would be kept alive by every app until synth ends.
 */
export function sameConnection(a: Connection, b: Connection): boolean {
  return a.port === b.port && a.protocol === b.protocol && samePeer(a.from, b.from) && samePeer(a.to, b.to);
}

/**
 * Resolves an intent to a connection (port and protocol checked against the destination) and
 * records it on every workload involved. `callerPath` is the construct whose method was called.
 */
export function connect(callerPath: string, fromPeer: IPeer, toPeer: IPeer, options: ConnectionOptions = {}): Connection {
  const from = fromPeer.toPeerInfo();
  const to = toPeer.toPeerInfo();
  const target = to.workload;
  const fail = (problem: string) => {
    throw new SecureConfigError(callerPath, [problem]);
  };
  if (options.port !== undefined) {
    const bad = checkPortNumber(`port of the connection from ${from.description} to ${to.description}`, options.port);
    if (bad) fail(bad);
  }
  let port = options.port;
  let protocol = options.protocol;
  if (target) {
    const exposed = target.ports.filter((p) => (port === undefined || p.port === port) && (protocol === undefined || p.protocol === protocol));
    if (target.ports.length === 0) {
      fail(`${to.description} exposes no container port, so ${from.description} cannot connect to it. Fix: give ${target.path} a \`port\` (or \`ports\`).`);
    }
    if (exposed.length === 0) {
      const have = target.ports.map((p) => `${p.port}/${p.protocol} (${p.name})`).join(', ');
      fail(`${to.description} does not expose container port ${port}/${protocol ?? 'TCP'}; it exposes ${have}. Fix: use one of those ports, or add the port to ${target.path} with \`ports\`. Ports are container ports, not Service ports.`);
    }
    port = exposed[0].port;
    protocol = exposed[0].protocol;
  }
  if (port === undefined) {
    fail(`a connection to ${to.description} needs a port: it is not a workload of this library, so there is no main port to default to. Fix: pass { port: <number> }.`);
  }
  const connection: Connection = { from, to, port: port!, protocol: protocol ?? Protocol.TCP };
  from.workload?.recordConnection(connection);
  if (to.workload !== from.workload) to.workload?.recordConnection(connection);
  return connection;
}

/** Whether a connection between two workloads rides HBONE (either end ambient, both meshed). */
export function usesHbone(c: Connection): boolean {
  return !!c.from.mesh && !!c.to.mesh && (c.from.mesh === MeshMode.AMBIENT || c.to.mesh === MeshMode.AMBIENT);
}
