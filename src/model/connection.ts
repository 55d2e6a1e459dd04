import { carriesHttp, meshAppProtocol, MeshMode } from './mesh';
import { Connection, ConnectionOptions, HttpMatch, IPeer, PeerInfo, peerProblemOf, Protocol } from './peer';
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
  return a.port === b.port && a.protocol === b.protocol && samePeer(a.from, b.from) && samePeer(a.to, b.to)
    && JSON.stringify(a.http ?? null) === JSON.stringify(b.http ?? null);
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'];

/**
 * Why an HTTP-level intent cannot be enforced, if it cannot: only the destination's sidecar
 * sees requests. NetworkPolicy works at layer 4, and in ambient mode layer 7 is a waypoint's job.
 */
function httpProblem(from: PeerInfo, to: PeerInfo, http: HttpMatch): string | undefined {
  const what = `the HTTP intent from ${from.description} to ${to.description}`;
  const methods = http.methods ?? [];
  const paths = http.paths ?? [];
  if (methods.length === 0 && paths.length === 0) return `${what} names no methods and no paths. Fix: pass { http: { methods: ['GET'], paths: ['/api/*'] } }, or drop http to admit any traffic on the port.`;
  const badMethod = methods.find((m) => !HTTP_METHODS.includes(m));
  if (badMethod !== undefined) return `${what} has method "${badMethod}", which is not an HTTP method. Fix: use ${HTTP_METHODS.join(', ')} (upper case).`;
  const badPath = paths.find((p) => !(/^\/[^\s*]*\*?$/.test(p) || /^\*[^\s*/]+$/.test(p)));
  if (badPath !== undefined) return `${what} has path "${badPath}", which Istio cannot match. Fix: use an exact path ("/api/orders"), a prefix ending in '*' ("/api/*") or a suffix starting with '*' ("*.png").`;
  if (!to.workload) return `${what} cannot be enforced: ${to.description} is not a workload of this library, so no AuthorizationPolicy of ours guards it. Fix: drop http, or declare the intent on the destination with allowFrom.`;
  if (!to.mesh) return `${what} cannot be enforced: ${to.description} is not in the mesh, and NetworkPolicy works at layer 4 (addresses and ports), so it cannot tell methods or paths apart. Fix: put the app in a namespace with mesh: Mesh.sidecar(), or drop http.`;
  if (to.mesh === MeshMode.AMBIENT) return `${what} cannot be enforced: ${to.description} is in ambient mode, where ztunnel sees only layer 4 and HTTP rules need a waypoint proxy, which this library does not deploy. Fix: use Mesh.sidecar() for this namespace, or drop http (the AuthorizationPolicy then admits the port).`;
  return undefined;
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
  const group = [from, to].find((p) => p.members !== undefined);
  if (group) return { problem: `${group.description} stands for several workloads; connect each of them (expandGroup) instead. Fix: use allowFrom/allowTo of a workload of this library, which does that.` };
  const target = to.workload;
  if (options.port !== undefined) {
    const bad = checkPortNumber(`port of the connection from ${from.description} to ${to.description}`, options.port);
    if (bad) return { problem: bad };
  }
  let port = options.port ?? (target ? undefined : to.defaultPort);
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
  if (options.http) {
    const bad = httpProblem(from, to, options.http);
    if (bad) return { problem: bad };
    const p = target!.ports.find((q) => q.port === port && q.protocol === protocol)!;
    if (!carriesHttp(p)) {
      return { problem: `the HTTP intent from ${from.description} to ${to.description} cannot be enforced on port ${p.port}/${p.protocol} ("${p.name}"${p.appProtocol ? `, appProtocol ${p.appProtocol}` : ''}): Istio proxies it as ${meshAppProtocol(p)}, not HTTP, so it never sees methods or paths. Fix: drop http and admit the port, or, if the port does serve HTTP, name it "http" (portName, or "http-<suffix>") or set appProtocol: "http".` };
    }
  }
  if (port === undefined) {
    return { problem: `a connection to ${to.description} needs a port: it is not a workload of this library, so there is no main port to default to. Fix: pass { port: <number> }.` };
  }
  const http = options.http ? { methods: options.http.methods?.length ? [...options.http.methods] : undefined, paths: options.http.paths?.length ? [...options.http.paths] : undefined } : undefined;
  return { connection: { from, to, port, protocol: protocol ?? Protocol.TCP, http } };
}

/** Whether a connection between two workloads rides HBONE (either end ambient, both meshed). */
export function usesHbone(c: Connection): boolean {
  return !!c.from.mesh && !!c.to.mesh && (c.from.mesh === MeshMode.AMBIENT || c.to.mesh === MeshMode.AMBIENT);
}

/**
 * The ends a connection between `from` and `to` stands for: a SecureService is each workload
 * behind it, on the port its Service targets unless `options` names one; anything else is itself.
 */
export function expandGroup(from: IPeer, to: IPeer, options: ConnectionOptions): Array<{ from: IPeer; to: IPeer; options: ConnectionOptions }> {
  const f = from.toPeerInfo();
  const t = to.toPeerInfo();
  const froms: IPeer[] = f.members ?? [from];
  const tos: IPeer[] = t.members ?? [to];
  const opts = t.members && options.port === undefined && t.groupPort !== undefined ? { ...options, port: t.groupPort } : options;
  return froms.flatMap((a) => tos.map((b) => ({ from: a, to: b, options: opts })));
}
