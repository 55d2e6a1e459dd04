import { MeshMode } from './mesh';
import { Connection, ConnectionOptions, IPeer, PeerInfo, peerProblemOf, Protocol } from './peer';
import { checkPortNumber } from '../core/validate';
import { ipBlockInputProblem } from './ip-blocks';

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
 * Resolves an intent to a connection: port and protocol checked against the destination's
 * declared ports (its main port by default), the peers' own problems reported. Returns the
 * connection, or the one problem that prevents it; the caller reports it with its path.
 */
export function resolveConnection(fromPeer: IPeer, toPeer: IPeer, options: ConnectionOptions = {}): { connection?: Connection; problem?: string } {
  const from = fromPeer.toPeerInfo();
  const to = toPeer.toPeerInfo();
  // A hand-made IPeer's ipBlock is judged as Peer.ipBlock's would be.
  const peerProblem = peerProblemOf(from) ?? peerProblemOf(to) ?? ipBlockInputProblem(from) ?? ipBlockInputProblem(to);
  if (peerProblem) return { problem: peerProblem };
  const target = to.workload;
  if (options.port !== undefined) {
    const bad = checkPortNumber(`port of the connection from ${from.description} to ${to.description}`, options.port);
    if (bad) return { problem: bad };
  }
  let port = options.port;
  let protocol = options.protocol;
  if (target) {
    const exposed = target.ports.filter((p) => (port === undefined || p.port === port) && (protocol === undefined || p.protocol === protocol));
    if (target.ports.length === 0) {
      return { problem: `${to.description} exposes no container port, so ${from.description} cannot connect to it. Fix: give ${target.path} a \`port\` (or \`ports\`).` };
    }
    if (exposed.length === 0) {
      const have = target.ports.map((p) => `${p.port}/${p.protocol} (${p.name})`).join(', ');
      return { problem: `${to.description} does not expose container port ${port}/${protocol ?? 'TCP'}; it exposes ${have}. Fix: use one of those ports, or add the port to ${target.path} with \`ports\`. Ports are container ports, not Service ports.` };
    }
    port = exposed[0].port;
    protocol = exposed[0].protocol;
  }
  if (port === undefined) {
    return { problem: `a connection to ${to.description} needs a port: it is not a workload of this library, so there is no main port to default to. Fix: pass { port: <number> }.` };
  }
  return { connection: { from, to, port, protocol: protocol ?? Protocol.TCP } };
}

/** Whether a connection between two workloads rides HBONE (either end ambient, both meshed). */
export function usesHbone(c: Connection): boolean {
  return !!c.from.mesh && !!c.to.mesh && (c.from.mesh === MeshMode.AMBIENT || c.to.mesh === MeshMode.AMBIENT);
}
