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
import { readSettings } from './model/settings';
import { NetworkPolicyPort, renderNetworkPeer } from './render/network/network-policy';

interface Opened { readonly ports: NetworkPolicyPort[] }
const opened = new WeakMap<IConstruct, Map<string, Opened>>();

function dnsName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 20).replace(/-+$/, '') || 'peer';
}

/** Writes the foreign side of `connection`, made by `app` (named `appName`), where one is needed. */
export function openForeignSides(app: IConstruct, appName: string, self: PeerInfo, connection: Connection): void {
  const sides: Array<[PeerInfo, 'egress' | 'ingress']> = [[connection.from, 'egress'], [connection.to, 'ingress']];
  for (const [end, direction] of sides) {
    const foreign = foreignWorkloadOf(end);
    if (!foreign || !isIsolatedNamespace(app, end.namespace)) continue;
    const foreignName = dnsName((foreign as unknown as { name?: string }).name ?? foreign.node.id);
    const name = `${foreignName}-${direction === 'egress' ? 'to' : 'from'}-${appName}`.slice(0, 63).replace(/-+$/, '');
    const byName = opened.get(app) ?? new Map<string, Opened>();
    opened.set(app, byName);
    let entry = byName.get(name);
    if (!entry) {
      const e: Opened = { ports: [] };
      entry = e;
      byName.set(name, e);
      const rule = () => ({ [direction === 'egress' ? 'to' : 'from']: [renderNetworkPeer(self, end.namespace, readSettings(app).metadataCidrs)], ports: e.ports });
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
}
