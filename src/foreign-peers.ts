/**
 * The other side of a connection with a cdk8s-plus workload. A workload this library did not
 * build is never isolated by it, but when it runs in an IsolatedNamespace the namespace's
 * default-deny already isolates it, and a connection opened only on the SecureApp's side would be
 * dropped on the other. So the connection also writes a NetworkPolicy in the workload's namespace
 * that opens exactly that flow: egress to the app when the workload calls it, ingress from the
 * app when the app calls it. Outside an IsolatedNamespace nothing is written, since a new policy
 * would isolate pods that are open today.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HBONE_PORT } from './core/constants';
import { Connection, usesHbone } from './model/connection';
import { isIsolatedNamespace } from './model/isolated-registry';
import { foreignWorkloadOf, PeerInfo } from './model/peer';
import { ClusterSettings } from './model/settings';
import { NetworkPolicyPort, renderNetworkPeer } from './render/network/network-policy';

interface Opened { readonly ports: NetworkPolicyPort[] }
const opened = new WeakMap<IConstruct, Map<string, Opened>>();

function dnsName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 20).replace(/-+$/, '') || 'peer';
}

interface Side {
  readonly app: IConstruct;
  readonly appName: string;
  readonly self: PeerInfo;
  readonly end: PeerInfo;
  readonly foreign: IConstruct;
  readonly direction: 'egress' | 'ingress';
  readonly connection: Connection;
}

// Sides whose namespace is not (yet) an IsolatedNamespace, per app root: one made later must
// still open them, so the order of construction does not matter.
const waiting = new WeakMap<IConstruct, Side[]>();

/**
 * Writes the foreign side of `connection`, made by `app` (named `appName`), where one is needed;
 * a side in a namespace that is not an IsolatedNamespace waits for one of that name to be made.
 */
export function openForeignSides(app: IConstruct, appName: string, self: PeerInfo, connection: Connection): void {
  const sides: Array<[PeerInfo, 'egress' | 'ingress']> = [[connection.from, 'egress'], [connection.to, 'ingress']];
  for (const [end, direction] of sides) {
    const foreign = foreignWorkloadOf(end);
    if (!foreign) continue;
    const side: Side = { app, appName, self, end, foreign, direction, connection };
    if (isIsolatedNamespace(app, end.namespace)) {
      writeSide(side);
    } else {
      const root = app.node.root;
      const list = waiting.get(root) ?? [];
      waiting.set(root, list);
      list.push(side);
    }
  }
}

/** Opens the sides that wait for the IsolatedNamespace `name` just made under `scope`'s root. */
export function openWaitingForeignSides(scope: IConstruct, name: string): void {
  const list = waiting.get(scope.node.root);
  if (!list) return;
  const ready = list.filter((s) => s.end.namespace === name);
  if (ready.length === 0) return;
  waiting.set(scope.node.root, list.filter((s) => s.end.namespace !== name));
  for (const side of ready) writeSide(side);
}

function writeSide({ app, appName, self, end, foreign, direction, connection }: Side): void {
  const foreignName = dnsName((foreign as unknown as { name?: string }).name ?? foreign.node.id);
  const name = `${foreignName}-${direction === 'egress' ? 'to' : 'from'}-${appName}`.slice(0, 63).replace(/-+$/, '');
  const byName = opened.get(app) ?? new Map<string, Opened>();
  opened.set(app, byName);
  let entry = byName.get(name);
  if (!entry) {
    const e: Opened = { ports: [] };
    entry = e;
    byName.set(name, e);
    const rule = () => ({ [direction === 'egress' ? 'to' : 'from']: [renderNetworkPeer(self, end.namespace, ClusterSettings.of(app).metadataCidrs)], ports: e.ports });
    new ApiObject(app, `ForeignPeer-${name}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: end.namespace },
      spec: {
        podSelector: { matchLabels: { ...end.podLabels } },
        policyTypes: [direction === 'egress' ? 'Egress' : 'Ingress'],
        [direction]: Lazy.any({ produce: () => [rule()] }),
      },
    });
  }
  const add = (protocol: string, port: number) => {
    if (!entry!.ports.some((p) => p.port === port && p.protocol === protocol)) entry!.ports.push({ protocol, port });
  };
  add(connection.protocol, connection.port);
  if (usesHbone(connection)) add('TCP', HBONE_PORT);
}
