import { ApiObject, JsonPatch } from 'cdk8s';
import { IsolatedNamespace, Mesh, MtlsMode, Peer, SecureApp, SecureService } from '../src';
import { patchesOf } from '../src/written-objects';
import { newChart, one, synthApp } from './support/synth';

// Issue 14 class 2: a JSON patch on a Service, NetworkPolicy, AuthorizationPolicy (or the other
// objects the library writes) is judged at synth against the object as the library rendered it.
const IMAGE = 'ghcr.io/acme/web:1.4.2';

function shop(mesh = false) {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'shop', mesh ? { mesh: Mesh.sidecar({ istioCni: true }) } : {});
  const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
  const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
  api.allowFrom(web);
  return { app, ns, web, api };
}
const child = (c: { node: { findChild(id: string): unknown } }, id: string) => c.node.findChild(id) as ApiObject;

describe('NetworkPolicy patches', () => {
  test('a rule admitting all sources fails synth, naming the patch, the field and the fix', () => {
    const { app, api } = shop();
    api.networkPolicy.addJsonPatch(JsonPatch.add('/spec/ingress/-', {}));
    expect(() => synthApp(app)).toThrow('[test/shop/api] NetworkPolicy shop/api spec.ingress[1]: admits from all sources on all ports, which the policy as rendered does not admit, written by the JSON patch on NetworkPolicy test/shop/api/NetworkPolicy (add /spec/ingress/-). Fix: remove the patch; declare traffic with allowFrom/allowTo (Peer.ipBlock for addresses), which the library renders on both sides and checks.');
  });

  test('widening a peer, a port, the selector or the policy types fails synth', () => {
    const cases: Array<[(np: ApiObject) => void, string]> = [
      [(np) => np.addJsonPatch(JsonPatch.replace('/spec/ingress/0/from/0/podSelector', {})), 'spec.ingress[0]: admits from [{"podSelector":{}}] on [{"port":9000,"protocol":"TCP"}]'],
      [(np) => np.addJsonPatch(JsonPatch.remove('/spec/ingress/0/ports')), 'spec.ingress[0]: admits from [{"podSelector":{"matchLabels":{"app.kubernetes.io/instance":"web"}}}] on all ports'],
      [(np) => np.addJsonPatch(JsonPatch.add('/spec/ingress/0/ports/0/endPort', 9100)), 'spec.ingress[0]: admits'],
      [(np) => np.addJsonPatch(JsonPatch.add('/spec/ingress/0/from/-', { ipBlock: { cidr: '0.0.0.0/0' } })), 'spec.ingress[0]: admits'],
      [(np) => np.addJsonPatch(JsonPatch.replace('/spec/podSelector', { matchLabels: { nothing: 'here' } })), 'spec.podSelector: selects {"matchLabels":{"nothing":"here"}} instead of {"matchLabels":{"app.kubernetes.io/instance":"api"}}'],
      [(np) => np.addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Ingress'])), 'spec.policyTypes: no longer lists Egress, so egress of the pods is no longer isolated by it'],
      [(np) => np.addJsonPatch(JsonPatch.replace('/metadata/namespace', 'other')), 'metadata.namespace: is "other" where the library wrote "shop"'],
    ];
    for (const [patch, message] of cases) {
      const { app, api } = shop();
      patch(api.networkPolicy);
      expect(() => synthApp(app)).toThrow(message);
    }
  });

  test('the namespace\'s default-deny and the egress side are judged too', () => {
    const a = shop();
    child(a.ns, 'DefaultDeny').addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Egress']));
    expect(() => synthApp(a.app)).toThrow('[test/shop] NetworkPolicy shop/default-deny spec.policyTypes: no longer lists Ingress, so ingress of the pods is no longer isolated by it, written by the JSON patch on NetworkPolicy test/shop/DefaultDeny (replace /spec/policyTypes).');
    const b = shop();
    b.web.networkPolicy.addJsonPatch(JsonPatch.add('/spec/egress/-', { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }));
    expect(() => synthApp(b.app)).toThrow('NetworkPolicy shop/web spec.egress[2]: admits to [{"ipBlock":{"cidr":"0.0.0.0/0"}}] on all ports, which the policy as rendered does not admit');
  });

  test('a patch that narrows, or only relabels, still synthesizes', () => {
    const { app, api } = shop();
    api.networkPolicy.addJsonPatch(JsonPatch.add('/metadata/labels/team', 'payments'));
    api.networkPolicy.addJsonPatch(JsonPatch.add('/spec/ingress/0/from/0/podSelector/matchLabels/tier', 'front'));
    const np = one(synthApp(app), 'NetworkPolicy', 'api');
    expect(np.metadata.labels.team).toBe('payments');
    expect(np.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'web', 'tier': 'front' });
  });

  test('an ipBlock narrowed inside the rendered block is accepted; one that drops the metadata except is not', () => {
    const build = () => {
      const { app, chart } = newChart();
      const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
      web.allowTo(Peer.ipBlock('0.0.0.0/0'), { port: 443 });
      return { app, web };
    };
    const a = build();
    a.web.networkPolicy.addJsonPatch(JsonPatch.replace('/spec/egress/1/to/0/ipBlock', { cidr: '203.0.113.0/24' }));
    expect(one(synthApp(a.app), 'NetworkPolicy', 'web').spec.egress[1].to).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }]);
    const b = build();
    b.web.networkPolicy.addJsonPatch(JsonPatch.remove('/spec/egress/1/to/0/ipBlock/except'));
    expect(() => synthApp(b.app)).toThrow('NetworkPolicy default/web spec.egress[1]: admits to [{"ipBlock":{"cidr":"0.0.0.0/0"}}] on [{"port":443,"protocol":"TCP"}]');
  });
});

describe('Service patches', () => {
  test('a changed selector fails synth, naming the patch', () => {
    const { app, web } = shop();
    web.service!.addJsonPatch(JsonPatch.replace('/spec/selector', { 'app.kubernetes.io/instance': 'api' }));
    expect(() => synthApp(app)).toThrow('[test/shop/web] Service shop/web spec.selector: is {"app.kubernetes.io/instance":"api"} where the library wrote {"app.kubernetes.io/instance":"web"}, which changes which pods the Service sends traffic to or who can reach it, written by the JSON patch on Service test/shop/web/Service (replace /spec/selector). Fix: remove the patch; the Service selects the app\'s pods and exposes its declared ports (set `ports`, `serviceType` or `name` instead).');
  });

  test('a LoadBalancer type, external IPs or a port the app does not declare fail synth', () => {
    const cases: Array<[JsonPatch, string]> = [
      [JsonPatch.replace('/spec/type', 'LoadBalancer'), 'Service shop/web spec.type: is "LoadBalancer" where the library wrote "ClusterIP"'],
      [JsonPatch.add('/spec/externalIPs', ['198.51.100.7']), 'Service shop/web spec.externalIPs: is ["198.51.100.7"] where the library wrote null'],
      [JsonPatch.add('/spec/ports/-', { name: 'ssh', port: 22, targetPort: 22 }), 'Service shop/web spec.ports[1]: targets TCP 22, which is not a port the library exposes'],
      [JsonPatch.add('/spec/ports/0/nodePort', 30080), 'spec.ports[0]: targets TCP "http" on node port 30080, which is not a port the library exposes'],
    ];
    for (const [patch, message] of cases) {
      const { app, web } = shop();
      web.service!.addJsonPatch(patch);
      expect(() => synthApp(app)).toThrow(message);
    }
  });

  test('session affinity, labels or a renumbered Service port still synthesize', () => {
    const { app, web } = shop();
    web.service!.addJsonPatch(JsonPatch.add('/spec/sessionAffinity', 'ClientIP'), JsonPatch.replace('/spec/ports/0/port', 8081));
    expect(one(synthApp(app), 'Service', 'web').spec.sessionAffinity).toBe('ClientIP');
  });
});

describe('AuthorizationPolicy and PeerAuthentication patches', () => {
  test('an allow-all rule fails synth, naming the patch', () => {
    const { app, api } = shop(true);
    api.authorizationPolicy!.addJsonPatch(JsonPatch.add('/spec/rules/-', {}));
    expect(() => synthApp(app)).toThrow('[test/shop/api] AuthorizationPolicy shop/api spec.rules[1]: admits every request from every source (an empty rule), written by the JSON patch on AuthorizationPolicy test/shop/api/AuthorizationPolicy (add /spec/rules/-). Fix: remove the patch; declare callers with allowFrom/allowTo');
  });

  test('a wider source, a dropped port, another action or selector fail synth', () => {
    const cases: Array<[JsonPatch, string]> = [
      [JsonPatch.replace('/spec/rules/0/from/0/source', { namespaces: ['shop'] }), 'AuthorizationPolicy shop/api spec.rules[0]: admits'],
      [JsonPatch.remove('/spec/rules/0/to'), 'spec.rules[0]: admits'],
      [JsonPatch.add('/spec/action', 'DENY'), 'spec.action: is DENY instead of ALLOW: without an ALLOW policy Istio admits every request'],
      [JsonPatch.replace('/spec/selector', { matchLabels: { none: 'x' } }), 'spec.selector: is {"matchLabels":{"none":"x"}}'],
    ];
    for (const [patch, message] of cases) {
      const { app, api } = shop(true);
      api.authorizationPolicy!.addJsonPatch(patch);
      expect(() => synthApp(app)).toThrow(message);
    }
  });

  test('a rule narrowed to fewer methods still synthesizes', () => {
    const { app, api } = shop(true);
    api.authorizationPolicy!.addJsonPatch(JsonPatch.add('/spec/rules/0/to/0/operation/methods', ['GET']));
    expect(one(synthApp(app), 'AuthorizationPolicy', 'api').spec.rules[0].to[0].operation.methods).toEqual(['GET']);
  });

  test('PERMISSIVE or DISABLE written over STRICT fails synth', () => {
    const { app, ns } = shop(true);
    child(ns, 'PeerAuthentication').addJsonPatch(JsonPatch.replace('/spec/mtls/mode', MtlsMode.PERMISSIVE));
    expect(() => synthApp(app)).toThrow('[test/shop] PeerAuthentication shop/default spec.mtls.mode: is PERMISSIVE where the library wrote STRICT, which admits plain text, written by the JSON patch on PeerAuthentication test/shop/PeerAuthentication (replace /spec/mtls/mode). Fix: remove the patch; set `mtls` on the namespace\'s mesh');
    const b = shop(true);
    child(b.ns, 'PeerAuthentication').addJsonPatch(JsonPatch.add('/spec/portLevelMtls', { 9000: { mode: 'DISABLE' } }));
    expect(() => synthApp(b.app)).toThrow('PeerAuthentication shop/default spec.portLevelMtls["9000"]: is DISABLE where the library wrote STRICT, which admits plain text on port 9000');
  });

  test('a Namespace relabelled to privileged, or the default ServiceAccount to automount, fails synth', () => {
    const a = shop();
    a.ns.namespaceObject.addJsonPatch(JsonPatch.replace('/metadata/labels/pod-security.kubernetes.io~1enforce', 'privileged'));
    expect(() => synthApp(a.app)).toThrow('[test/shop] Namespace shop metadata.labels["pod-security.kubernetes.io/enforce"]: is "privileged" where the library wrote "restricted", and the apps inside were judged against what the library wrote, written by the JSON patch on Namespace test/shop/Namespace');
    const b = shop();
    child(b.ns, 'DefaultServiceAccount').addJsonPatch(JsonPatch.replace('/automountServiceAccountToken', true));
    expect(() => synthApp(b.app)).toThrow('ServiceAccount shop/default automountServiceAccountToken: lets pods that use the account get a Kubernetes API token mounted');
    const c = shop();
    child(c.ns, 'ResourceQuota').addJsonPatch(JsonPatch.replace('/spec/hard/services.loadbalancers', '5'));
    expect(() => synthApp(c.app)).toThrow('ResourceQuota shop/quota spec: differs from what the library wrote, and the library judged what it wrote');
  });
});

describe('workload patches that retie the pods to other policies', () => {
  test('a selector label taken from another app fails synth, naming the patch', () => {
    const { app, web } = shop();
    web.deployment.addJsonPatch(JsonPatch.replace('/spec/template/metadata/labels/app.kubernetes.io~1instance', 'api'));
    expect(() => synthApp(app)).toThrow('[test/shop/web] Deployment shop/web spec.template.metadata.labels["app.kubernetes.io/instance"]: is "api" where the library wrote "web": the selectors of the Deployment, Service, NetworkPolicy and AuthorizationPolicy use it (set `name` to choose its value), written by the JSON patch on Deployment test/shop/web/Deployment (replace /spec/template/metadata/labels/app.kubernetes.io~1instance).');
  });

  test('another ServiceAccount, selector, or a capture-exemption annotation fails synth', () => {
    const cases: Array<[JsonPatch, string]> = [
      [JsonPatch.replace('/spec/template/spec/serviceAccountName', 'api'), 'Deployment shop/web spec.template.spec.serviceAccountName: is "api" where the library wrote "web", which is the pods\' mesh identity and the policies\' subject'],
      [JsonPatch.replace('/spec/selector', { matchLabels: { 'app.kubernetes.io/instance': 'api' } }), 'Deployment shop/web spec.selector: is {"matchLabels":{"app.kubernetes.io/instance":"api"}}'],
      [JsonPatch.add('/spec/template/metadata/annotations', { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' }), 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]: is "8080" where the library wrote null: it exempts ports or addresses from the sidecar'],
    ];
    for (const [patch, message] of cases) {
      const { app, web } = shop(true);
      web.deployment.addJsonPatch(patch);
      expect(() => synthApp(app)).toThrow(message);
    }
  });

  test('a free label added to the pods still synthesizes', () => {
    const { app, web } = shop();
    web.deployment.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/tier', 'front'));
    expect(one(synthApp(app), 'Deployment', 'web').spec.template.metadata.labels.tier).toBe('front');
  });
});

describe('the read of cdk8s\' patches is guarded', () => {
  test('a patch applied through the public API is seen by the check (fails if cdk8s moves its patches)', () => {
    const { web } = shop();
    expect(patchesOf(web.networkPolicy)).toEqual([]);
    web.networkPolicy.addJsonPatch(JsonPatch.add('/spec/ingress', []));
    expect(patchesOf(web.networkPolicy)).toEqual(['add /spec/ingress']);
    expect(web.networkPolicy.toJson().spec.ingress).toEqual([]);
  });

  test('an ApiObject whose patches the check cannot see fails synth loudly, saying why', () => {
    const { app, api } = shop();
    // What a cdk8s that renamed the field would look like to the check.
    const hidden = (api.networkPolicy as any).patches;
    delete (api.networkPolicy as any).patches;
    (api.networkPolicy as any)._renamedPatches = hidden;
    let thrown: any;
    try { synthApp(app); } catch (e) { thrown = e; }
    expect(thrown?.name).toBe('SecureConfigError');
    expect(thrown?.message).toBe('[test/shop/api/NetworkPolicy] cdk8s-secure cannot see the JSON patches on NetworkPolicy test/shop/api/NetworkPolicy: this cdk8s keeps them elsewhere than the `patches` array of cdk8s 2, so what a patch writes could not be judged. Fix: use a cdk8s 2 release this cdk8s-secure supports (its peerDependencies), or upgrade cdk8s-secure.');
  });

  test('the check restores the patches it sets aside, so what is written keeps them', () => {
    const { app, api } = shop();
    api.networkPolicy.addJsonPatch(JsonPatch.add('/metadata/labels/team', 'payments'));
    const out = synthApp(app);
    expect(one(out, 'NetworkPolicy', 'api').metadata.labels.team).toBe('payments');
    expect(patchesOf(api.networkPolicy)).toEqual(['add /metadata/labels/team']);
  });
});

describe('a SecureService\'s Service is judged too', () => {
  test('a selector patched to every pod fails synth, naming the patch', () => {
    const { app, chart } = newChart();
    const a = new SecureApp(chart, 'a', { name: 'a', image: IMAGE, port: 8080 });
    const b = new SecureApp(chart, 'b', { name: 'b', image: IMAGE, port: 8080 });
    const svc = new SecureService(chart, 'front', { name: 'front', workloads: [a, b] });
    svc.service.addJsonPatch(JsonPatch.replace('/spec/selector', {}));
    expect(() => synthApp(app)).toThrow(/\[test\/front\] Service default\/front spec\.selector: is \{\} where the library wrote \{"[^"]+":"true"\}, which changes which pods the Service sends traffic to or who can reach it, written by the JSON patch on Service test\/front\/Service \(replace \/spec\/selector\)\./);
  });
});

describe('a patch changed between two synths is judged again', () => {
  test('a widening written after a harmless synth fails the next synth', () => {
    const { app, api } = shop();
    api.networkPolicy.addJsonPatch(JsonPatch.add('/metadata/labels/team', 'payments'));
    expect(() => synthApp(app)).not.toThrow();
    const patches = (api.networkPolicy as any).patches;
    patches[0] = JsonPatch.add('/spec/ingress/-', {});
    expect(() => synthApp(app)).toThrow('NetworkPolicy shop/api spec.ingress[1]: admits from all sources on all ports');
  });
});
