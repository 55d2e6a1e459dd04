import { Testing } from 'cdk8s';
import { Endpoint, NetworkModel } from '../src/checks/reachability';
import { cidrContains, cidrFullyExcepted, parseCidr, parseIp } from '../src/core/net';
import { PortSet } from '../src/checks/reachability-ports';
import { ClusterSettings } from '../src/model/settings';

// ---------------------------------------------------------------------------------------------
// Manifest builders: plain objects, shaped like `Chart.toJson()` output.

interface Port { name?: string; containerPort: number; protocol?: string }

function deployment(name: string, labels: Record<string, string>, opts: { ns?: string; ports?: Port[]; kind?: string } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: opts.kind ?? 'Deployment',
    metadata: { name, ...(opts.ns ? { namespace: opts.ns } : {}) },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'img', ports: opts.ports ?? [] }] } },
    },
  };
}

function policy(name: string, spec: any, ns?: string): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec };
}

function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

const w = (name: string, ns = 'default') => Endpoint.workload(ns, name);
const web = w('web');
const db = w('db');

function allows(model: NetworkModel, from: Endpoint, to: Endpoint, port: number | string, protocol?: string): boolean {
  return model.check(from, to, port, protocol).allowed;
}

/** web, db, cache in `default`; tests add policies. */
function basic(...policies: any[]): NetworkModel {
  return NetworkModel.fromManifests([
    deployment('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
    deployment('db', { app: 'db', tier: 'data' }, { ports: [{ name: 'pg', containerPort: 5432 }] }),
    deployment('cache', { app: 'cache', tier: 'data' }, { ports: [{ name: 'redis', containerPort: 6379 }] }),
    ...policies,
  ]);
}

const denyAllIngress = policy('deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const denyAllEgress = policy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });

// ---------------------------------------------------------------------------------------------

describe('isolation', () => {
  test('without policies every flow is allowed and the reasons say neither side is isolated', () => {
    const verdict = basic().check(web, db, 5432);
    expect(verdict.allowed).toBe(true);
    expect(verdict.reasons).toEqual([
      expect.stringMatching(/^egress from default\/web: not isolated/),
      expect.stringMatching(/^ingress to default\/db: not isolated/),
    ]);
  });

  test('a policy isolates only the pods its podSelector matches', () => {
    const m = basic(policy('db-only', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }));
    expect(allows(m, web, db, 5432)).toBe(false);
    expect(allows(m, web, w('cache'), 6379)).toBe(true);
  });

  test('podSelector {} isolates every pod of the namespace', () => {
    const m = basic(denyAllIngress);
    expect(allows(m, web, db, 5432)).toBe(false);
    expect(allows(m, db, web, 8080)).toBe(false);
  });

  test('a policy in another namespace does not isolate', () => {
    const m = basic(policy('deny', { podSelector: {}, policyTypes: ['Ingress'] }, 'other'));
    expect(allows(m, web, db, 5432)).toBe(true);
  });

  test('an Ingress-only policy leaves egress open', () => {
    const m = basic(policy('db-ingress', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }));
    // db is isolated for ingress but may still connect out.
    expect(allows(m, db, web, 8080)).toBe(true);
    expect(m.isolation(db)).toEqual({ ingressIsolated: true, egressIsolated: false, ingressPolicies: ['default/db-ingress'], egressPolicies: [] });
  });

  test('an Egress-only policy isolates egress and leaves ingress open', () => {
    const m = basic(denyAllEgress);
    expect(allows(m, web, db, 5432)).toBe(false);
    expect(m.check(web, db, 5432)).toMatchObject({ egressAllowed: false, ingressAllowed: true });
    expect(allows(m, Endpoint.ip('203.0.113.9'), db, 5432)).toBe(true);
  });

  test('policyTypes [Ingress, Egress] without rules denies both directions', () => {
    const m = basic(policy('deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }));
    expect(m.check(web, db, 5432)).toMatchObject({ allowed: false, egressAllowed: false });
    expect(m.check(db, web, 8080)).toMatchObject({ allowed: false, ingressAllowed: false });
  });
});

describe('policyTypes defaulting', () => {
  test('omitted policyTypes without egress: Ingress only', () => {
    const m = basic(policy('p', { podSelector: { matchLabels: { app: 'web' } } }));
    expect(m.isolation(web)).toMatchObject({ ingressIsolated: true, egressIsolated: false });
    expect(allows(m, db, web, 8080)).toBe(false);
    expect(allows(m, web, db, 5432)).toBe(true);
  });

  test('omitted policyTypes with egress rules: Ingress and Egress', () => {
    const m = basic(policy('p', {
      podSelector: { matchLabels: { app: 'web' } },
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
    }));
    expect(m.isolation(web)).toMatchObject({ ingressIsolated: true, egressIsolated: true });
    expect(allows(m, web, db, 5432)).toBe(true);
    expect(allows(m, web, w('cache'), 6379)).toBe(false);
    expect(allows(m, db, web, 8080)).toBe(false);
  });

  test('omitted policyTypes with an empty egress list: Ingress only', () => {
    const m = basic(policy('p', { podSelector: { matchLabels: { app: 'web' } }, egress: [] }));
    expect(m.isolation(web)).toMatchObject({ ingressIsolated: true, egressIsolated: false });
  });

  test('an empty policyTypes list is defaulted like an omitted one', () => {
    const m = basic(policy('p', { podSelector: {}, policyTypes: [], egress: [{ to: [{ podSelector: {} }] }] }));
    expect(m.isolation(web)).toMatchObject({ ingressIsolated: true, egressIsolated: true });
  });

  test('ingress rules are ignored when policyTypes omits Ingress, with a warning', () => {
    const m = basic(policy('p', {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }],
    }));
    expect(m.isolation(db).ingressIsolated).toBe(false);
    expect(allows(m, web, db, 5432)).toBe(true);
    expect(m.warnings()).toEqual([expect.stringContaining('policyTypes omits Ingress')]);
  });
});

describe('union of policies and both directions', () => {
  test('policies add up: each one can allow a different source', () => {
    const m = basic(
      policy('from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      policy('from-cache', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'cache' } } }] }] }),
      deployment('other', { app: 'other' }),
    );
    expect(allows(m, web, db, 5432)).toBe(true);
    expect(allows(m, w('cache'), db, 5432)).toBe(true);
    expect(allows(m, w('other'), db, 5432)).toBe(false);
  });

  test('a deny-all policy does not cancel an allowing one', () => {
    const m = basic(denyAllIngress, policy('allow-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }));
    const verdict = m.check(web, db, 5432);
    expect(verdict.allowed).toBe(true);
    expect(verdict.reasons[1]).toBe('ingress to default/db: allowed by NetworkPolicy default/allow-web spec.ingress[0]');
  });

  test('egress allowed but ingress denied is denied, and the reason names the isolating policy', () => {
    const m = basic(denyAllIngress);
    const verdict = m.check(web, db, 5432);
    expect(verdict).toMatchObject({ allowed: false, egressAllowed: true, ingressAllowed: false });
    expect(verdict.reasons[1]).toBe('ingress to default/db: denied; isolated by NetworkPolicy default/deny-ingress and no ingress rule allows from default/web on 5432/TCP');
  });

  test('ingress allowed but egress denied is denied', () => {
    const m = basic(denyAllEgress, policy('allow-all-in', { podSelector: {}, ingress: [{}] }));
    expect(m.check(web, db, 5432)).toMatchObject({ allowed: false, egressAllowed: false, ingressAllowed: true });
  });

  test('an address outside the cluster has only the cluster side checked', () => {
    const m = basic(denyAllEgress);
    const out = m.check(web, Endpoint.ip('8.8.8.8'), 443);
    expect(out.allowed).toBe(false);
    expect(out.reasons[1]).toBe('ingress to 8.8.8.8: outside the cluster, not checked');
    const inbound = m.check(Endpoint.ip('8.8.8.8'), web, 8080);
    expect(inbound.allowed).toBe(true);
    expect(inbound.reasons[0]).toBe('egress from 8.8.8.8: outside the cluster, not checked');
  });
});

describe('peers', () => {
  function twoNamespaces(...policies: any[]): NetworkModel {
    return NetworkModel.fromManifests([
      namespace('shop', { team: 'shop' }),
      namespace('ops', { team: 'ops' }),
      deployment('db', { app: 'db' }, { ns: 'shop' }),
      deployment('client', { app: 'client' }, { ns: 'shop' }),
      deployment('other', { app: 'other' }, { ns: 'shop' }),
      deployment('client', { app: 'client' }, { ns: 'ops' }),
      deployment('tool', { app: 'tool' }, { ns: 'ops' }),
      deployment('client', { app: 'client' }, { ns: 'elsewhere' }),
      ...policies,
    ]);
  }
  const shopDb = w('db', 'shop');

  const ingressToDb = (from: any[] | undefined) =>
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [from === undefined ? {} : { from }] }, 'shop');

  test('podSelector alone means pods of the policy namespace only', () => {
    const m = twoNamespaces(ingressToDb([{ podSelector: { matchLabels: { app: 'client' } } }]));
    expect(allows(m, w('client', 'shop'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('client', 'ops'), shopDb, 5432)).toBe(false);
    expect(allows(m, w('other', 'shop'), shopDb, 5432)).toBe(false);
  });

  test('namespaceSelector alone means every pod of the matching namespaces', () => {
    const m = twoNamespaces(ingressToDb([{ namespaceSelector: { matchLabels: { team: 'ops' } } }]));
    expect(allows(m, w('client', 'ops'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('tool', 'ops'), shopDb, 5432)).toBe(true);
    // The policy's own namespace is not implied.
    expect(allows(m, w('client', 'shop'), shopDb, 5432)).toBe(false);
    expect(allows(m, w('client', 'elsewhere'), shopDb, 5432)).toBe(false);
  });

  test('podSelector and namespaceSelector in one peer must both match', () => {
    const m = twoNamespaces(ingressToDb([{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'client' } } }]));
    expect(allows(m, w('client', 'ops'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('tool', 'ops'), shopDb, 5432)).toBe(false);
    expect(allows(m, w('client', 'shop'), shopDb, 5432)).toBe(false);
  });

  test('separate peers in one list are alternatives', () => {
    const m = twoNamespaces(ingressToDb([{ namespaceSelector: { matchLabels: { team: 'ops' } } }, { podSelector: { matchLabels: { app: 'client' } } }]));
    expect(allows(m, w('tool', 'ops'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('client', 'shop'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('other', 'shop'), shopDb, 5432)).toBe(false);
    expect(allows(m, w('client', 'elsewhere'), shopDb, 5432)).toBe(false);
  });

  test('namespaceSelector {} matches pods of every namespace but no outside address', () => {
    const m = twoNamespaces(ingressToDb([{ namespaceSelector: {} }]));
    expect(allows(m, w('client', 'elsewhere'), shopDb, 5432)).toBe(true);
    expect(allows(m, w('other', 'shop'), shopDb, 5432)).toBe(true);
    expect(allows(m, Endpoint.ip('203.0.113.1'), shopDb, 5432)).toBe(false);
  });

  test('a rule without from, or with an empty from, admits every source including outside addresses', () => {
    for (const m of [twoNamespaces(ingressToDb(undefined)), twoNamespaces(ingressToDb([]))]) {
      expect(allows(m, w('client', 'elsewhere'), shopDb, 5432)).toBe(true);
      expect(allows(m, Endpoint.ip('203.0.113.1'), shopDb, 5432)).toBe(true);
    }
  });

  test('a rule with an empty to admits every destination', () => {
    const m = twoNamespaces(policy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [], ports: [{ port: 443 }] }] }, 'shop'));
    expect(allows(m, w('client', 'shop'), w('tool', 'ops'), 443)).toBe(true);
    expect(allows(m, w('client', 'shop'), Endpoint.ip('1.1.1.1'), 443)).toBe(true);
    expect(allows(m, w('client', 'shop'), Endpoint.ip('1.1.1.1'), 80)).toBe(false);
  });

  test('ipBlock with except, IPv4', () => {
    const m = basic(policy('in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] }));
    expect(allows(m, Endpoint.ip('10.2.3.4'), web, 8080)).toBe(true);
    expect(allows(m, Endpoint.ip('10.1.2.3'), web, 8080)).toBe(false);
    expect(allows(m, Endpoint.ip('192.168.0.1'), web, 8080)).toBe(false);
    expect(allows(m, Endpoint.ip('2001:db8::1'), web, 8080)).toBe(false);
  });

  test('ipBlock with except, IPv6', () => {
    const m = basic(policy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }] }));
    expect(allows(m, web, Endpoint.ip('2001:db8:2::7'), 443)).toBe(true);
    expect(allows(m, web, Endpoint.ip('2001:db8:1:ffff::1'), 443)).toBe(false);
    expect(allows(m, web, Endpoint.ip('2001:db9::1'), 443)).toBe(false);
    expect(allows(m, web, Endpoint.ip('10.0.0.1'), 443)).toBe(false);
  });

  test('ipBlock never matches pods, even 0.0.0.0/0', () => {
    const m = basic(policy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }));
    expect(allows(m, web, Endpoint.ip('10.0.3.7'), 5432)).toBe(true);
    expect(allows(m, web, db, 5432)).toBe(false);
  });
});

describe('label selectors', () => {
  function withDbPolicy(podSelector: any): NetworkModel {
    return NetworkModel.fromManifests([
      deployment('web', { app: 'web' }),
      deployment('a', { app: 'a', env: 'prod' }),
      deployment('b', { app: 'b', env: 'dev' }),
      deployment('c', { app: 'c' }),
      deployment('db', { app: 'db' }),
      policy('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector }] }] }),
    ]);
  }
  const admitted = (m: NetworkModel) => ['web', 'a', 'b', 'c'].filter((n) => allows(m, w(n), db, 5432));

  test('In', () => {
    expect(admitted(withDbPolicy({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] }))).toEqual(['a']);
  });

  test('NotIn also matches pods without the key', () => {
    expect(admitted(withDbPolicy({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }))).toEqual(['web', 'b', 'c']);
  });

  test('Exists', () => {
    expect(admitted(withDbPolicy({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }))).toEqual(['a', 'b']);
  });

  test('DoesNotExist', () => {
    expect(admitted(withDbPolicy({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }))).toEqual(['web', 'c']);
  });

  test('matchLabels and matchExpressions must all hold', () => {
    expect(admitted(withDbPolicy({
      matchLabels: { env: 'prod' },
      matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }, { key: 'env', operator: 'Exists' }],
    }))).toEqual(['a']);
    expect(admitted(withDbPolicy({ matchLabels: { env: 'prod', app: 'b' } }))).toEqual([]);
  });

  test('expressions also apply to the policy podSelector', () => {
    const m = basic(policy('p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] }, policyTypes: ['Ingress'] }));
    expect(m.isolation(db).ingressIsolated).toBe(true);
    expect(m.isolation(w('cache')).ingressIsolated).toBe(true);
    expect(m.isolation(web).ingressIsolated).toBe(false);
  });

  test('an unknown operator selects nothing and warns, rather than allowing everything', () => {
    const m = withDbPolicy({ matchExpressions: [{ key: 'env', operator: 'Gt', values: ['1'] }] });
    expect(admitted(m)).toEqual([]);
    expect(m.warnings()).toEqual([expect.stringContaining('operator "Gt"')]);
  });
});

describe('namespace labels', () => {
  const byNamespaceName = (ns: string) =>
    policy('db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }] }] }, 'shop');

  test('kubernetes.io/metadata.name holds for namespaces not in the manifests', () => {
    const m = NetworkModel.fromManifests([deployment('db', { app: 'db' }, { ns: 'shop' }), deployment('x', { app: 'x' }, { ns: 'ops' }), deployment('y', { app: 'y' }, { ns: 'dev' }), byNamespaceName('ops')]);
    expect(allows(m, w('x', 'ops'), w('db', 'shop'), 5432)).toBe(true);
    expect(allows(m, w('y', 'dev'), w('db', 'shop'), 5432)).toBe(false);
  });

  test('a Namespace object cannot override kubernetes.io/metadata.name', () => {
    const m = NetworkModel.fromManifests([
      namespace('dev', { 'kubernetes.io/metadata.name': 'ops' }),
      deployment('db', { app: 'db' }, { ns: 'shop' }), deployment('y', { app: 'y' }, { ns: 'dev' }), byNamespaceName('ops'),
    ]);
    expect(allows(m, w('y', 'dev'), w('db', 'shop'), 5432)).toBe(false);
  });

  test('labels of Namespace objects in the manifests are used', () => {
    const sel = policy('db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] }] }, 'shop');
    const manifests = [deployment('db', { app: 'db' }, { ns: 'shop' }), deployment('x', { app: 'x' }, { ns: 'ops' }), sel];
    expect(allows(NetworkModel.fromManifests(manifests), w('x', 'ops'), w('db', 'shop'), 5432)).toBe(false);
    expect(allows(NetworkModel.fromManifests([namespace('ops', { env: 'prod' }), ...manifests]), w('x', 'ops'), w('db', 'shop'), 5432)).toBe(true);
  });

  test('options.namespaceLabels label namespaces outside the manifests', () => {
    const manifests = [
      deployment('web', { app: 'web' }, { ns: 'shop' }),
      policy('dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { role: 'system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }],
      }, 'shop'),
    ];
    const shopWeb = w('web', 'shop');
    expect(allows(NetworkModel.fromManifests(manifests), shopWeb, Endpoint.kubeDns(), 53, 'UDP')).toBe(false);
    const labelled = NetworkModel.fromManifests(manifests, { namespaceLabels: { 'kube-system': { role: 'system' } } });
    expect(allows(labelled, shopWeb, Endpoint.kubeDns(), 53, 'UDP')).toBe(true);
  });
});

describe('cluster DNS location', () => {
  // What SecureApp renders for ClusterSettings { dnsNamespace: 'dns', dnsPodLabels: { app: 'coredns' } }.
  const manifests = [
    deployment('web', { app: 'web' }, { ns: 'shop' }),
    policy('dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }],
      }],
    }, 'shop'),
  ];
  const shopWeb = w('web', 'shop');

  test('the default is ClusterSettings\' default', () => {
    const settings = ClusterSettings.of(Testing.app());
    expect(NetworkModel.fromManifests([]).dns).toEqual({ namespace: settings.dnsNamespace, podLabels: settings.dnsPodLabels });
  });

  test('options.dns moves Endpoint.kubeDns() and the matrix\'s kube-dns column', () => {
    expect(allows(NetworkModel.fromManifests(manifests), shopWeb, Endpoint.kubeDns(), 'dns')).toBe(false);
    const m = NetworkModel.fromManifests(manifests, { dns: { namespace: 'dns', podLabels: { app: 'coredns' } } });
    expect(m.check(shopWeb, Endpoint.kubeDns(), 'dns').reasons[0]).toBe('egress from shop/web: allowed by NetworkPolicy shop/dns spec.egress[0]');
    expect(m.matrix().find((e) => e.from === 'shop/web' && e.to === NetworkModel.KUBE_DNS)?.ports).toEqual(['53/UDP']);
  });
});

describe('ports', () => {
  const dbIngress = (ports: any[] | undefined) =>
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ...(ports ? { ports } : {}) }] });

  test('a numeric port allows that port only', () => {
    const m = basic(dbIngress([{ port: 5432 }]));
    expect(allows(m, web, db, 5432)).toBe(true);
    expect(allows(m, web, db, 5433)).toBe(false);
  });

  test('protocol defaults to TCP on both the rule and the flow', () => {
    const m = basic(dbIngress([{ port: 53 }]));
    expect(allows(m, web, db, 53)).toBe(true);
    expect(allows(m, web, db, 53, 'UDP')).toBe(false);
    const udp = basic(dbIngress([{ port: 53, protocol: 'UDP' }]));
    expect(allows(udp, web, db, 53, 'UDP')).toBe(true);
    expect(allows(udp, web, db, 53)).toBe(false);
  });

  test('missing or empty ports allow every port of every protocol', () => {
    for (const m of [basic(dbIngress(undefined)), basic(dbIngress([]))]) {
      expect(allows(m, web, db, 1)).toBe(true);
      expect(allows(m, web, db, 65535, 'SCTP')).toBe(true);
    }
  });

  test('a port entry with a protocol and no port allows every port of that protocol', () => {
    const m = basic(dbIngress([{ protocol: 'UDP' }]));
    expect(allows(m, web, db, 9999, 'UDP')).toBe(true);
    expect(allows(m, web, db, 9999)).toBe(false);
  });

  test('endPort makes an inclusive range', () => {
    const m = basic(dbIngress([{ port: 8000, endPort: 8100 }]));
    expect([7999, 8000, 8050, 8100, 8101].map((p) => allows(m, web, db, p))).toEqual([false, true, true, true, false]);
  });

  test('a named port resolves against the destination container ports', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }),
      deployment('api', { role: 'backend', app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
      deployment('admin', { role: 'backend', app: 'admin' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
      policy('backends', { podSelector: { matchLabels: { role: 'backend' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(allows(m, web, w('api'), 8080)).toBe(true);
    expect(allows(m, web, w('api'), 9090)).toBe(false);
    expect(allows(m, web, w('admin'), 9090)).toBe(true);
    expect(allows(m, web, w('admin'), 8080)).toBe(false);
  });

  test('a named port the destination does not have matches nothing', () => {
    const m = basic(dbIngress([{ port: 'postgres' }]));
    expect(m.allowedPorts(web, db).ports).toEqual([]);
    expect(allows(m, web, db, 5432)).toBe(false);
  });

  test('a named port must match the container port protocol', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }),
      deployment('dns', { app: 'dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
      policy('p', { podSelector: { matchLabels: { app: 'dns' } }, ingress: [{ ports: [{ port: 'dns' }] }] }),
      policy('q', { podSelector: { matchLabels: { app: 'dns' } }, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] }),
    ]);
    // Only q (UDP) resolves; p looks for a TCP port named dns.
    expect(m.check(web, w('dns'), 53, 'UDP').reasons[1]).toBe('ingress to default/dns: allowed by NetworkPolicy default/q spec.ingress[0]');
    expect(allows(m, web, w('dns'), 53, 'TCP')).toBe(false);
  });

  test('egress named ports resolve against the destination pod, not the source', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 7000 }] }),
      deployment('api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
      deployment('admin', { app: 'admin' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
      policy('out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(allows(m, web, w('api'), 8080)).toBe(true);
    expect(allows(m, web, w('admin'), 9090)).toBe(true);
    expect(allows(m, web, w('admin'), 8080)).toBe(false);
    expect(allows(m, web, w('api'), 7000)).toBe(false);
    // An outside address has no named ports.
    expect(allows(m, web, Endpoint.ip('1.1.1.1'), 8080)).toBe(false);
  });

  test('check() accepts a destination port name and takes its protocol', () => {
    const m = basic(dbIngress([{ port: 5432 }]));
    expect(allows(m, web, db, 'pg')).toBe(true);
    expect(allows(m, web, db, '5432')).toBe(true);
        expect(() => m.check(web, db, 'postgres')).toThrow(/no container port named "postgres".*pg/);
    expect(() => m.check(web, db, 'pg', 'UDP')).toThrow(/5432\/TCP, not UDP/);
    expect(() => m.check(web, db, 70000)).toThrow(/outside 1-65535/);
    expect(() => m.check(web, db, 80, 'ICMP')).toThrow(/not supported/);
  });

  test('a named port given to check() is resolved before matching numeric rules', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }),
      policy('dns-only', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ]);
    const verdict = m.check(web, Endpoint.kubeDns(), 'dns');
    expect(verdict.allowed).toBe(true);
    expect(m.check(web, Endpoint.kubeDns(), 'dns-tcp').allowed).toBe(false);
    expect(m.check(web, Endpoint.kubeDns(), 'dns-tcp').reasons[0]).toContain('on 53/TCP (dns-tcp)');
  });

  test('invalid port entries match nothing and warn, so they never widen a rule to all ports', () => {
    const m = basic(dbIngress([{ port: 0 }, { port: 'http', endPort: 90 }, { port: 90, endPort: 80 }, { port: 80, protocol: 'ICMP' }]));
    expect(m.allowedPorts(web, db).ports).toEqual([]);
    expect(m.warnings()).toHaveLength(4);
  });
});

describe('manifests', () => {
  test('objects without a namespace use defaultNamespace, by default "default"', () => {
    const manifests = [deployment('web', { app: 'web' }), deployment('db', { app: 'db' }), denyAllIngress];
    expect(allows(NetworkModel.fromManifests(manifests), web, db, 5432)).toBe(false);
    const shop = NetworkModel.fromManifests(manifests, { defaultNamespace: 'shop' });
    expect(allows(shop, w('web', 'shop'), w('db', 'shop'), 5432)).toBe(false);
    expect(() => shop.check(web, db, 5432)).toThrow(/No workload default\/web/);
  });

  test('every workload kind yields its pods labels and container ports', () => {
    const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', ports: [{ name: 'p', containerPort: 80 }] }] } });
    const m = NetworkModel.fromManifests([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ss', namespace: 'x' }, spec: { template: template('ss') } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { template: template('ds') } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template: template('job') } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cron' }, spec: { jobTemplate: { spec: { template: template('cron') } } } },
      {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', labels: { app: 'pod' } },
        spec: {
          containers: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
          initContainers: [{ name: 'sidecar', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] }, { name: 'init', ports: [{ containerPort: 1 }] }],
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'ss' } } },
    ]);
    expect(m.workloads()).toEqual([
      { id: 'x/ss', namespace: 'x', name: 'ss', kind: 'StatefulSet', labels: { app: 'ss' }, ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
      { id: 'default/ds', namespace: 'default', name: 'ds', kind: 'DaemonSet', labels: { app: 'ds' }, ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
      { id: 'default/job', namespace: 'default', name: 'job', kind: 'Job', labels: { app: 'job' }, ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
      { id: 'default/cron', namespace: 'default', name: 'cron', kind: 'CronJob', labels: { app: 'cron' }, ports: [{ name: 'p', port: 80, protocol: 'TCP' }] },
      {
        id: 'default/pod', namespace: 'default', name: 'pod', kind: 'Pod', labels: { app: 'pod' },
        ports: [{ port: 53, protocol: 'UDP' }, { name: 'proxy', port: 15001, protocol: 'TCP' }],
      },
    ]);
  });

  test('List objects are unpacked and empty YAML documents skipped', () => {
    const m = NetworkModel.fromManifests([null, { apiVersion: 'v1', kind: 'List', items: [deployment('web', { app: 'web' })] }]);
    expect(m.workloads().map((x) => x.id)).toEqual(['default/web']);
  });

  test('NetworkPolicies of other APIs are ignored with a warning', () => {
    const calico = { ...denyAllIngress, apiVersion: 'crd.projectcalico.org/v1' };
    const m = basic(calico);
    expect(allows(m, web, db, 5432)).toBe(true);
    expect(m.warnings()).toEqual([expect.stringContaining('crd.projectcalico.org/v1')]);
  });

  test('a CRD reusing a workload kind name is not a workload', () => {
    const job = (apiVersion: string, app: string) => ({ ...deployment('x', { app }, { ns: 'shop', kind: 'Job' }), apiVersion });
    const volcano = job('batch.volcano.sh/v1alpha1', 'volcano');
    expect(NetworkModel.fromManifests([volcano]).workloads()).toEqual([]);
    const m = NetworkModel.fromManifests([job('batch/v1', 'batch'), volcano]);
    expect(m.workloads().map((x) => [x.id, x.labels])).toEqual([['shop/x', { app: 'batch' }]]);
    expect(m.isolation(w('x', 'shop')).ingressIsolated).toBe(false);
  });

  test('same-named workloads of different kinds need the kind', () => {
    const m = NetworkModel.fromManifests([deployment('web', { app: 'a' }), deployment('web', { app: 'b' }, { kind: 'StatefulSet' })]);
    expect(() => m.check(web, web, 80)).toThrow(/ambiguous: Deployment, StatefulSet/);
    expect(m.check(Endpoint.workload('default', 'web', 'StatefulSet'), Endpoint.workload('default', 'web', 'Deployment'), 80).allowed).toBe(true);
    expect(m.workloads().map((x) => x.id)).toEqual(['default/web (Deployment)', 'default/web (StatefulSet)']);
  });

  test('invalid ipBlocks and empty peers match nothing and warn', () => {
    const m = basic(policy('in', {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }, {}, { ipBlock: { cidr: '0.0.0.0/0' }, podSelector: {} }] }],
    }));
    expect(allows(m, Endpoint.ip('10.0.0.1'), web, 8080)).toBe(false);
    expect(allows(m, db, web, 8080)).toBe(false);
    expect(m.warnings()).toHaveLength(3);
  });

  test('the model keeps no reference to the manifest array', () => {
    const manifests = [deployment('web', { app: 'web' }), deployment('db', { app: 'db' }), denyAllIngress];
    const m = NetworkModel.fromManifests(manifests);
    manifests.length = 0;
    expect(allows(m, web, db, 5432)).toBe(false);
  });

  test('Endpoint.ip rejects what is not a single address', () => {
    expect(() => Endpoint.ip('10.0.0.0/8')).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => Endpoint.ip('example.com')).toThrow(/not an IPv4 or IPv6 address/);
  });
});

describe('Endpoint.pods', () => {
  test('pods outside the manifests are subject to the policies of their namespace', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }, { ns: 'shop', ports: [{ name: 'metrics', containerPort: 9100 }] }),
      policy('scrape', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }] }],
      }, 'shop'),
      policy('deny-out', { podSelector: { matchLabels: { app: 'prometheus' } }, policyTypes: ['Egress'] }, 'monitoring'),
    ]);
    const prometheus = Endpoint.pods('monitoring', { app: 'prometheus' });
    expect(m.check(prometheus, w('web', 'shop'), 9100)).toMatchObject({ egressAllowed: false, ingressAllowed: true });
    expect(m.check(Endpoint.pods('monitoring', { app: 'grafana' }), w('web', 'shop'), 9100)).toMatchObject({ egressAllowed: true, ingressAllowed: false });
  });

  test('an invalid container port names itself and the fix', () => {
    expect(() => Endpoint.pods('x', { app: 'y' }, [{ port: 70000 }])).toThrow('Container port 70000 is outside 1-65535. Fix: use a whole number from 1 to 65535.');
    expect(() => basic().check(web, db, 0)).toThrow('Port 0 is outside 1-65535.');
  });

  test('container ports given to Endpoint.pods resolve named ports', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }),
      policy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'metrics' }] }] }),
    ]);
    expect(allows(m, web, Endpoint.pods('x', { app: 'y' }, [{ name: 'metrics', port: 9090 }]), 9090)).toBe(true);
    expect(allows(m, web, Endpoint.pods('x', { app: 'y' }), 9090)).toBe(false);
  });
});

describe('allowedPorts and matrix', () => {
  test('allowedPorts is the intersection of egress and ingress ranges', () => {
    const m = basic(
      policy('out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 5000, endPort: 6000 }, { port: 53, protocol: 'UDP' }] }] }),
      policy('in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }, { port: 5999, endPort: 7000 }] }, { ports: [{ protocol: 'UDP' }] }] }),
    );
    expect(m.allowedPorts(web, db)).toEqual({
      ports: ['5432/TCP', '5999-6000/TCP', '53/UDP'],
      allPorts: false,
      ranges: [
        { protocol: 'TCP', start: 5432, end: 5432 },
        { protocol: 'TCP', start: 5999, end: 6000 },
        { protocol: 'UDP', start: 53, end: 53 },
      ],
    });
  });

  test('matrix covers workloads, kube-dns and the outside, with "all" for unrestricted pairs', () => {
    const m = NetworkModel.fromManifests([
      deployment('web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }),
      deployment('db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }] }),
      policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] }] }),
      policy('web-in', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 'http' }] }] }),
    ]);
    const cell = (from: string, to: string) => {
      const entry = m.matrix().find((e) => e.from === from && e.to === to);
      if (!entry) throw new Error(`no cell ${from} -> ${to}`);
      return { ports: entry.ports, addresses: entry.addresses };
    };
    expect(m.matrix()).toHaveLength(2 * 4 + 2);
    expect(cell('default/web', 'default/db')).toEqual({ ports: ['5432/TCP'], addresses: undefined });
    expect(cell('default/web', 'default/web')).toEqual({ ports: [], addresses: undefined });
    expect(cell('default/db', 'default/web')).toEqual({ ports: [], addresses: undefined });
    expect(cell('default/db', NetworkModel.KUBE_DNS)).toEqual({ ports: [], addresses: undefined });
    expect(cell('default/web', NetworkModel.KUBE_DNS)).toEqual({ ports: ['all'], addresses: undefined });
    expect(cell('default/web', NetworkModel.EXTERNAL)).toEqual({ ports: ['all'], addresses: ['any'] });
    expect(cell('default/db', NetworkModel.EXTERNAL)).toEqual({ ports: [], addresses: [] });
    expect(cell(NetworkModel.EXTERNAL, 'default/web')).toEqual({ ports: ['8080/TCP'], addresses: ['0.0.0.0/0 except 10.0.0.0/8'] });
    expect(cell(NetworkModel.EXTERNAL, 'default/db')).toEqual({ ports: [], addresses: [] });
  });

  test('the outside counts as reachable only through ipBlocks that leave some address', () => {
    const m = basic(policy('in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/9', '10.128.0.0/9'] } }] }] }));
    const external = m.matrix().find((e) => e.from === NetworkModel.EXTERNAL && e.to === 'default/web');
    expect(external?.ports).toEqual([]);
  });
});

describe('multi-namespace scenario', () => {
  // A shop: frontend exposed to the internet, backend only from frontend, db only from backend,
  // Prometheus scraping every namespace's metrics port, and DNS egress everywhere.
  const dnsEgress = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
  };
  const scrape = { from: [{ namespaceSelector: { matchLabels: { purpose: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }] };
  const manifests = [
    namespace('frontend', { tier: 'edge' }),
    namespace('backend', { tier: 'core' }),
    deployment('web', { app: 'web' }, { ns: 'frontend', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9100 }] }),
    deployment('api', { app: 'api' }, { ns: 'backend', ports: [{ name: 'http', containerPort: 3000 }, { name: 'metrics', containerPort: 9200 }] }),
    deployment('db', { app: 'db' }, { ns: 'backend', kind: 'StatefulSet', ports: [{ name: 'pg', containerPort: 5432 }] }),
    ...['frontend', 'backend'].map((ns) => policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [dnsEgress] }, ns)),
    ...['frontend', 'backend'].map((ns) => policy('allow-scrape', { podSelector: {}, ingress: [scrape] }, ns)),
    policy('web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 'http' }] }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { tier: 'core' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
    }, 'frontend'),
    policy('api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { tier: 'edge' } }, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }],
    }, 'backend'),
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] }] }, 'backend'),
  ];
  const model = NetworkModel.fromManifests(manifests, { namespaceLabels: { monitoring: { purpose: 'monitoring' } } });
  const fe = w('web', 'frontend');
  const api = w('api', 'backend');
  const pg = w('db', 'backend');
  const prometheus = Endpoint.pods('monitoring', { app: 'prometheus' });

  test('the intended chain works end to end', () => {
    expect(allows(model, Endpoint.ip('198.51.100.4'), fe, 'http')).toBe(true);
    expect(allows(model, Endpoint.ip('2001:db8::4'), fe, 8080)).toBe(true);
    expect(allows(model, fe, api, 'http')).toBe(true);
    expect(allows(model, api, pg, 'pg')).toBe(true);
    for (const pod of [fe, api, pg]) expect(allows(model, pod, Endpoint.kubeDns(), 'dns')).toBe(true);
  });

  test('shortcuts and lateral moves are denied', () => {
    expect(allows(model, fe, pg, 5432)).toBe(false);
    expect(allows(model, Endpoint.ip('198.51.100.4'), api, 3000)).toBe(false);
    expect(allows(model, pg, api, 3000)).toBe(false);
    expect(allows(model, api, fe, 8080)).toBe(false);
    expect(allows(model, fe, Endpoint.ip('198.51.100.4'), 443)).toBe(false);
    expect(allows(model, fe, api, 9200)).toBe(false);
  });

  test('Prometheus reaches each metrics port and nothing else', () => {
    expect(allows(model, prometheus, fe, 'metrics')).toBe(true);
    expect(allows(model, prometheus, api, 9200)).toBe(true);
    expect(allows(model, prometheus, api, 9100)).toBe(false);
    expect(allows(model, prometheus, pg, 5432)).toBe(false);
    expect(allows(model, Endpoint.pods('other', { app: 'prometheus' }), fe, 'metrics')).toBe(false);
  });

  test('the matrix summarises the same policy', () => {
    const rows = model.matrix().filter((e) => e.ports.length > 0).map((e) => `${e.from} -> ${e.to}: ${e.ports.join(' ')}`);
    expect(rows).toEqual([
      'frontend/web -> backend/api: 3000/TCP',
      'frontend/web -> kube-dns: 53/TCP 53/UDP',
      'backend/api -> backend/db: 5432/TCP',
      'backend/api -> kube-dns: 53/TCP 53/UDP',
      'backend/db -> kube-dns: 53/TCP 53/UDP',
      'external -> frontend/web: 8080/TCP',
    ]);
    expect(model.warnings()).toEqual([]);
  });
});

describe('address and port arithmetic', () => {
  test('IPv4 and IPv6 parsing', () => {
    expect(parseIp('192.168.1.10')).toEqual({ family: 4, value: 0xc0a8010an });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('2001:db8::')).toEqual({ family: 6, value: 0x20010db8n << 96n });
    expect(parseIp('::ffff:1.2.3.4')).toEqual({ family: 6, value: (0xffffn << 32n) | 0x01020304n });
    expect(parseIp('1:2:3:4:5:6:7:8')?.value).toBe(0x00010002000300040005000600070008n);
    for (const bad of ['256.1.1.1', '01.2.3.4', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', 'fffff::', '1.2.3.4::', '']) {
      expect(parseIp(bad)).toBeUndefined();
    }
  });

  test('CIDR parsing clears host bits and checks the prefix', () => {
    const block = parseCidr('10.1.2.3/8')!;
    expect(cidrContains(block, parseIp('10.255.255.255')!)).toBe(true);
    expect(cidrContains(block, parseIp('11.0.0.0')!)).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, parseIp('10.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('255.255.255.255')!)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  test('an ipBlock is empty only when its excepts cover it entirely', () => {
    const cidr = parseCidr('10.0.0.0/8')!;
    expect(cidrFullyExcepted(cidr, [parseCidr('10.0.0.0/9')!, parseCidr('10.128.0.0/9')!])).toBe(true);
    expect(cidrFullyExcepted(cidr, [parseCidr('0.0.0.0/0')!])).toBe(true);
    expect(cidrFullyExcepted(cidr, [parseCidr('10.0.0.0/9')!, parseCidr('10.128.0.0/10')!])).toBe(false);
    expect(cidrFullyExcepted(cidr, [])).toBe(false);
  });

  test('port sets merge adjacent ranges and print compactly', () => {
    const set = PortSet.range('TCP', 80, 80).union(PortSet.range('TCP', 81, 90)).union(PortSet.allOf('UDP'));
    expect(set.format()).toEqual(['80-90/TCP', 'all/UDP']);
    expect(PortSet.all().format()).toEqual(['all']);
    expect(set.intersect(PortSet.range('TCP', 85, 100)).format()).toEqual(['85-90/TCP']);
    expect(PortSet.empty().format()).toEqual([]);
  });
});
