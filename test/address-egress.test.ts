// allowToHost in a sidecar mesh gives the workload a REGISTRY_ONLY Sidecar, and that proxy drops
// a connection to an address in no ServiceEntry. The same workload's allowTo(Peer.ipBlock(…))
// therefore gets a ServiceEntry for its blocks (resolution NONE), whichever call comes first, and
// the proof tools judge the sidecar too.
import { Chart } from 'cdk8s';
import { ClusterSettings, Cni, Endpoint, IsolatedNamespace, Mesh, NetworkModel, Peer, Protocol, SecureApp } from '../src';
import { matchers } from '../src/testing';
import { expectValidManifests } from './support/schema';
import { newChart, synthApp } from './support/synth';

expect.extend(matchers);

const IMAGE = 'ghcr.io/acme/app:1.0.0';

function shop(options: { hostFirst?: boolean; cni?: Cni; mesh?: boolean } = {}) {
  const { app } = newChart();
  if (options.cni) ClusterSettings.apply(app, { cni: options.cni });
  const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { quota: { 'limits.cpu': '20' }, ...(options.mesh === false ? {} : { mesh: Mesh.sidecar({ istioCni: true }) }) });
  const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
  const blocks = () => {
    api.allowTo(Peer.ipBlock('203.0.113.0/24'), { port: 5432 });
    api.allowTo(Peer.ipBlock('198.51.100.7/32'), { port: 6379 });
    api.allowTo(Peer.ipBlock('198.51.100.7/32'), { port: 6379 });
    // Not captured by the sidecar, so not listed.
    api.allowTo(Peer.ipBlock('192.0.2.0/24'), { port: 514, protocol: Protocol.UDP });
  };
  if (!options.hostFirst) blocks();
  if (options.mesh !== false || options.cni) api.allowToHost('api.stripe.com', { port: 443 });
  if (options.hostFirst) blocks();
  return { app, api };
}

const entries = (out: any[]) => out.filter((o) => o.kind === 'ServiceEntry');

describe('a REGISTRY_ONLY sidecar forwards the blocks the workload dials by address', () => {
  test.each([['connections first', false], ['host first', true]])('%s: one ServiceEntry for the TCP blocks and ports', (_name, hostFirst) => {
    const out = synthApp(shop({ hostFirst }).app);
    expect(entries(out).map((e) => e.metadata.name)).toEqual(['api-api.stripe.com', 'api-addresses']);
    const entry = entries(out).find((e) => e.metadata.name === 'api-addresses');
    expect(entry.metadata.namespace).toBe('shop');
    expect(entry.spec).toEqual({
      hosts: ['api.shop.addresses.invalid'],
      addresses: ['203.0.113.0/24', '198.51.100.7/32'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      exportTo: ['.'],
      ports: [{ number: 5432, name: 'tcp-5432', protocol: 'TCP' }, { number: 6379, name: 'tcp-6379', protocol: 'TCP' }],
    });
    expectValidManifests(out);
  });

  test('no ServiceEntry for addresses without a REGISTRY_ONLY sidecar (no host, or Cilium enforcing the host)', () => {
    const { app } = newChart();
    const ns = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 }).allowTo(Peer.ipBlock('203.0.113.0/24'), { port: 5432 });
    expect(entries(synthApp(app))).toEqual([]);
    expect(entries(synthApp(shop({ cni: Cni.CILIUM, mesh: false }).app))).toEqual([]);
  });

  test('the proof: the address is reached through the ServiceEntry, and denied by the sidecar without it', () => {
    const { app, api } = shop();
    expect(app).toAllowTraffic(api, Endpoint.ip('203.0.113.9'), { port: 5432 });
    const out = synthApp(app);
    const from = Endpoint.workload('shop', 'api');
    expect(NetworkModel.fromManifests(out).check(from, Endpoint.ip('203.0.113.9'), 5432).reasons).toContain(
      'egress from shop/api to 203.0.113.9: forwarded by Sidecar shop/api (REGISTRY_ONLY) through ServiceEntry shop/api-addresses');
    const without = NetworkModel.fromManifests(out.filter((o) => o.metadata.name !== 'api-addresses'));
    const verdict = without.check(from, Endpoint.ip('203.0.113.9'), 5432);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reasons).toContain('egress from shop/api to 203.0.113.9: denied; Sidecar shop/api is REGISTRY_ONLY and no ServiceEntry exported to shop lists the address on 5432');
    // UDP is not captured by the sidecar: the NetworkPolicy alone decides.
    expect(without.check(from, Endpoint.ip('192.0.2.1'), 514, 'UDP').allowed).toBe(true);
  });
});
