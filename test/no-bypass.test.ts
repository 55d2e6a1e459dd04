import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterSettings, IPeer, IsolatedNamespace, Mesh, MountedFiles, MtlsMode, Peer, PeerKind, SecureApp } from '../src';
import { Plus33Deployment } from './support/plus33';
import { newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

describe('class 1: free-form maps cannot override what the library decides', () => {
  function meshedApp(props: Partial<ConstructorParameters<typeof SecureApp>[2]>) {
    const { chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    return () => new SecureApp(ns, 'web', { image: IMAGE, port: 8080, ...props });
  }

  const refused: Array<[string, Partial<ConstructorParameters<typeof SecureApp>[2]>, string]> = [
    ['the selector label', { labels: { 'app.kubernetes.io/instance': 'api' } },
      'label key "app.kubernetes.io/instance" is reserved: the selectors of the Deployment, Service, NetworkPolicy and AuthorizationPolicy use it. Fix: set `name` to choose its value.'],
    ['the inject annotation', { podAnnotations: { 'sidecar.istio.io/inject': 'false' } },
      'podAnnotations key "sidecar.istio.io/inject" is reserved: it takes the pods out of the mesh while the library models them as meshed. Fix: set `mesh: false` on the app'],
    ['the inject label', { labels: { 'sidecar.istio.io/inject': 'false' } }, 'Fix: set `mesh: false` on the app'],
    ['excludeInboundPorts', { podAnnotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' } },
      'podAnnotations key "traffic.sidecar.istio.io/excludeInboundPorts" is reserved: it exempts ports or addresses from the sidecar'],
    ['excludeOutboundIPRanges', { podAnnotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '0.0.0.0/0' } }, 'traffic.sidecar.istio.io/excludeOutboundIPRanges" is reserved'],
    ['userVolume', { podAnnotations: { 'sidecar.istio.io/userVolume': '{"h":{"hostPath":{"path":"/"}}}' } }, 'sidecar.istio.io/userVolume" is reserved: it changes the injected proxy'],
    ['userVolumeMount', { podAnnotations: { 'sidecar.istio.io/userVolumeMount': '{}' } }, 'sidecar.istio.io/userVolumeMount" is reserved'],
    ['interceptionMode', { podAnnotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } }, 'sidecar.istio.io/interceptionMode" is reserved'],
    ['proxy config', { podAnnotations: { 'proxy.istio.io/config': '{}' } }, 'proxy.istio.io/config" is reserved'],
    ['sidecar size', { podAnnotations: { 'sidecar.istio.io/proxyCPULimit': '4' } }, 'Fix: set `Mesh.sidecar({ proxyResources })` on the IsolatedNamespace'],
    ['dataplane-mode', { labels: { 'istio.io/dataplane-mode': 'none' } }, 'label key "istio.io/dataplane-mode" is reserved'],
    ['the revision', { labels: { 'istio.io/rev': 'canary' } }, 'label key "istio.io/rev" is reserved: it chooses the mesh, the Istio revision or where policy is enforced'],
    ['use-waypoint', { labels: { 'istio.io/use-waypoint': 'none' } }, 'label key "istio.io/use-waypoint" is reserved'],
    ['tlsMode', { labels: { 'security.istio.io/tlsMode': 'disabled' } }, 'label key "security.istio.io/tlsMode" is reserved: Istio reads it'],
    ['pod-security on a pod', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, 'label key "pod-security.kubernetes.io/enforce" is reserved'],
    ['seccomp annotation', { podAnnotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, 'overrides the RuntimeDefault seccomp profile'],
    ['AppArmor annotation', { podAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, 'unconfined AppArmor profile'],
    ['Multus networks', { podAnnotations: { 'k8s.v1.cni.cncf.io/networks': 'host-net' } }, 'extra network interfaces (Multus) that no NetworkPolicy covers'],
    ['CRI-O devices', { podAnnotations: { 'io.kubernetes.cri-o.Devices': '/dev/mem' } }, 'the container runtime reads it'],
  ];
  test.each(refused)('%s is refused, naming the path and the typed option', (_name, props, message) => {
    const make = meshedApp(props);
    expect(make).toThrow('[test/shop/web]');
    expect(make).toThrow(message);
  });

  test('harmless keys stay accepted', () => {
    const make = meshedApp({
      labels: { 'team': 'shop', 'constructor': 'x', 'service.istio.io/canonical-name': 'web' },
      podAnnotations: { 'kubectl.kubernetes.io/default-container': 'app', 'prometheus.io/scrape': 'true' },
    });
    expect(make).not.toThrow();
  });

  test('the library\'s labels and sidecar size win where they merge', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }), labels: { team: 'shop' } });
    new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080, labels: { team: 'a' } });
    const out = synthApp(app);
    const labels = one(out, 'Deployment', 'web').spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/instance']).toBe('web');
    expect(labels.team).toBe('a');
    expect(one(out, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'team': 'shop', 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test.each([
    ['pod-security.kubernetes.io/enforce', 'privileged', 'set `podSecurity`, `podSecurityVersion`, `auditLevel`, `warnLevel` or `auditWarnVersion` on the IsolatedNamespace'],
    ['istio-injection', 'disabled', 'set `mesh` on the IsolatedNamespace'],
    ['istio.io/rev', 'canary', 'set `mesh` on the IsolatedNamespace'],
    ['istio.io/dataplane-mode', 'none', 'use the typed `mesh` options'],
    ['kubernetes.io/metadata.name', 'kube-system', 'set `name` on the IsolatedNamespace'],
  ])('namespace label %s is refused', (key, value, fix) => {
    const { chart } = newChart();
    const make = () => new IsolatedNamespace(chart, 'shop', { labels: { [key]: value } });
    expect(make).toThrow(`[test/shop]`);
    expect(make).toThrow(`namespace label key "${key}" is reserved`);
    expect(make).toThrow(fix);
  });
});

describe('class 4: two objects of one identity are a synth error naming both paths', () => {
  test('two apps with one name', () => {
    const { app, chart } = newChart();
    new SecureApp(chart, 'a', { name: 'web', image: IMAGE, port: 8080 });
    new SecureApp(chart, 'b', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('[test/b] Deployment web is written twice, by test/a/Deployment and by test/b/Deployment; the second would replace the first when applied. Fix: give one of them another `name` (or put them in different namespaces).');
    expect(() => synthApp(app)).toThrow('[test/b] ServiceAccount web is written twice, by test/a/ServiceAccount and by test/b/ServiceAccount');
  });

  test('an app named default-deny inside an IsolatedNamespace', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    new SecureApp(ns, 'x', { name: 'default-deny', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('[test/shop/x] NetworkPolicy shop/default-deny is written twice, by test/shop/DefaultDeny and by test/shop/x/NetworkPolicy; the second would replace the first when applied. Fix: "default-deny" is a name the IsolatedNamespace writes itself; give the app another `name`.');
  });

  test('two IsolatedNamespaces "team" at different levels', () => {
    const { app, chart } = newChart();
    const outer = new IsolatedNamespace(chart, 'team');
    new IsolatedNamespace(outer, 'inner', { name: 'team' });
    expect(() => synthApp(app)).toThrow('[test/team/inner] Namespace team is written twice, by test/team/Namespace and by test/team/inner/Namespace');
  });

  test('the same name in two namespaces, or two kinds of one name, is fine; a later fix is seen by the next synth', () => {
    const { app, chart } = newChart();
    new SecureApp(new IsolatedNamespace(chart, 'a'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    new SecureApp(new IsolatedNamespace(chart, 'b'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).not.toThrow();
    new SecureApp(chart, 'dup', { name: 'web', image: IMAGE, port: 8080, labels: {} });
    new SecureApp(chart, 'dup2', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => synthApp(app)).toThrow('by test/dup/Deployment and by test/dup2/Deployment');
  });
});

describe('class 2: escape hatches are judged, exposed state is read-only', () => {
  function plainApp(props: Partial<ConstructorParameters<typeof SecureApp>[2]> = {}) {
    const { app, chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, ...props });
    return { app, chart, web };
  }

  test('exposed arrays and objects cannot be changed after construction', () => {
    const { app, web } = plainApp();
    expect(() => (web.ports as any).push({ name: 'ssh', port: 22, protocol: 'TCP' })).toThrow(TypeError);
    expect(() => { (web.placement as any).podSecurityLevel = 'privileged'; }).toThrow(TypeError);
    expect(() => { (web.placement.podSecurityVersions as any).length = 0; }).toThrow(TypeError);
    expect(() => { (web.selector as any)['app.kubernetes.io/instance'] = 'api'; }).toThrow(TypeError);
    expect(() => { (web.labels as any).extra = 'x'; }).toThrow(TypeError);
    expect(() => { (web.ports[0] as any).port = 22; }).toThrow(TypeError);
    expect(one(synthApp(app), 'Deployment', 'web').spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('props kept by the caller and changed after construction change nothing', () => {
    const ports = [{ name: 'admin', port: 9000 }];
    const relax: { [k: string]: unknown } = {};
    const securityContext: { [k: string]: unknown } = {};
    const items = { 'app.conf': 'app.conf' };
    const { app } = plainApp({ ports, relax: relax as any, securityContext: securityContext as any, files: [MountedFiles.fromConfigMap('cfg', '/etc/app', { items })] });
    ports.push({ name: 'ssh', port: 22 });
    ports[0].port = 23;
    relax.privileged = true;
    relax.mountServiceAccountToken = true;
    securityContext.runAsUser = 0;
    (items as any)['../../etc/passwd'] = 'x';
    const out = synthApp(app);
    const pod = one(out, 'Deployment', 'web').spec.template.spec;
    expect(pod.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8080, 9000]);
    expect(pod.containers[0].securityContext.privileged).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsUser).toBe(10001);
    expect(pod.volumes.find((v: any) => v.configMap).configMap.items).toEqual([{ key: 'app.conf', path: 'app.conf' }]);
  });

  test('a patch that adds privileged fails synth the way relax would, naming the patch', () => {
    const { app, web } = plainApp();
    web.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    expect(() => synthApp(app)).toThrow('[test/web] Pod Security "restricted" (v1.35) check privileged fails: container "app" sets privileged: true (field spec.containers[app].securityContext.privileged, written by the JSON patch on Deployment test/web/Deployment (add /spec/template/spec/containers/0/securityContext/privileged)). Fix: remove the patch and use the typed option');
  });

  test('a patch that adds a hostPath volume fails synth, naming the patch', () => {
    const { app, web } = plainApp();
    web.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes/-', { name: 'host', hostPath: { path: '/' } }));
    expect(() => synthApp(app)).toThrow(/\[test\/web\] Pod Security "restricted" \(v1\.35\) check restrictedVolumes fails: volume "host" uses restricted volume type "hostPath" \(field spec\.volumes\[host\]\.hostPath, written by the JSON patch on Deployment test\/web\/Deployment \(add \/spec\/template\/spec\/volumes\/-\)\)\. Fix: remove the patch/);
  });

  test('a patch that automounts the token fails synth, on the pod or on the ServiceAccount', () => {
    const a = plainApp();
    a.web.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/automountServiceAccountToken', true));
    expect(() => synthApp(a.app)).toThrow('[test/web] Deployment default/web spec.template.spec.automountServiceAccountToken: its pods get a Kubernetes API token mounted (automountServiceAccountToken: true), which anyone who breaks into a container can use against the API server, written by the JSON patch on Deployment test/web/Deployment (replace /spec/template/spec/automountServiceAccountToken). Fix: remove the patch; an app that calls the API server sets relax.mountServiceAccountToken.');
    const b = plainApp();
    b.web.deployment.addJsonPatch(JsonPatch.remove('/spec/template/spec/automountServiceAccountToken'));
    b.web.serviceAccount.addJsonPatch(JsonPatch.replace('/automountServiceAccountToken', true));
    expect(() => synthApp(b.app)).toThrow(/written by the JSON patch on Deployment test\/web\/Deployment \(remove \/spec\/template\/spec\/automountServiceAccountToken\) and the JSON patch on ServiceAccount test\/web\/ServiceAccount \(replace \/automountServiceAccountToken\)/);
  });

  test('a patch that opts a meshed app out of injection fails synth', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.deployment.addJsonPatch(JsonPatch.add('/spec/template/metadata/labels/sidecar.istio.io~1inject', 'false'));
    expect(() => synthApp(app)).toThrow(/\[test\/shop\/web\] Deployment shop\/web spec\.template\.metadata\.labels\["sidecar\.istio\.io\/inject"\]: its pods opt out of sidecar injection.*written by the JSON patch on Deployment test\/shop\/web\/Deployment.*Fix: remove the patch; to keep the app out of the mesh set `mesh: false`/);
  });

  test('harmless patches, and relaxations the props declare, still synthesize', () => {
    const a = plainApp();
    a.web.deployment.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    expect(one(synthApp(a.app), 'Deployment', 'web').spec.minReadySeconds).toBe(10);
    const b = plainApp({ relax: { mountServiceAccountToken: true } });
    b.web.deployment.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    expect(one(synthApp(b.app), 'Deployment', 'web').spec.template.spec.automountServiceAccountToken).toBe(true);
  });
});

describe('class 3: ipBlocks are rendered through CIDR semantics, whoever made the peer', () => {
  const handMade = (cidr: string, except?: string[]): IPeer => ({
    toPeerInfo: () => ({ kind: PeerKind.IP_BLOCK, cidr, except, description: `hand-made ${cidr}` }),
  });
  function egressOf(peer: IPeer, settings?: Parameters<typeof ClusterSettings.apply>[1]) {
    const { app, chart } = newChart();
    if (settings) ClusterSettings.apply(app, settings);
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowTo(peer, { port: 443 });
    return { web, app, egress: () => one(synthApp(app), 'NetworkPolicy', 'web').spec.egress.slice(1) };
  }

  test.each([
    ['0.0.0.0/00', { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }],
    ['1.2.3.4/0', { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }],
    ['::/0', { cidr: '::/0', except: ['fd00:ec2::254/128'] }],
    ['169.254.0.0/16', { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] }],
    ['10.0.0.0/8', { cidr: '10.0.0.0/8' }],
  ])('a hand-made IPeer %s is normalised and excepts the metadata address', (cidr, ipBlock) => {
    expect(egressOf(handMade(cidr)).egress()).toEqual([{ to: [{ ipBlock }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  test('two halves /1 + /1 each except the metadata address their half contains', () => {
    const { app, chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowTo(handMade('0.0.0.0/1'), { port: 443 });
    web.allowTo(handMade('128.0.0.0/1'), { port: 443 });
    expect(one(synthApp(app), 'NetworkPolicy', 'web').spec.egress.slice(1).map((r: any) => r.to[0].ipBlock)).toEqual([
      { cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1', except: ['169.254.169.254/32'] },
    ]);
  });

  test('the metadata list is configurable with ClusterSettings metadataCidrs', () => {
    const { egress } = egressOf(Peer.ipBlock('100.64.0.0/10'), { metadataCidrs: ['100.100.100.200/32'] });
    expect(egress()[0].to[0].ipBlock).toEqual({ cidr: '100.64.0.0/10', except: ['100.100.100.200/32'] });
    expect(() => ClusterSettings.apply(newChart().app, { metadataCidrs: ['100.100.100.200'] }))
      .toThrow('ClusterSettings metadataCidrs: "100.100.100.200" is not a CIDR block. Fix: write e.g. "169.254.169.254/32".');
    expect(() => ClusterSettings.apply(newChart().app, { metadataCidrs: [] })).toThrow('must be a non-empty list of CIDR blocks');
  });

  test('a peer inside a configured metadata block is a synth error naming the app', () => {
    const { app } = egressOf(handMade('100.100.100.200/32'), { metadataCidrs: ['100.100.100.0/24'] });
    expect(() => synthApp(app)).toThrow('[test/web] hand-made 100.100.100.200/32 (100.100.100.200/32) lies inside the cloud metadata block 100.100.100.0/24, which hands out node credentials. Fix: do not allow traffic to it');
  });

  test('a hand-made IPeer with a leading space or an except equal to its cidr is refused at allowTo, naming the app', () => {
    const { chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => web.allowTo(handMade(' 10.0.0.0/8'), { port: 443 })).toThrow('[test/web] hand-made  10.0.0.0/8 cidr');
    expect(() => web.allowTo(handMade('10.0.0.0/8', ['10.0.0.0/8']), { port: 443 })).toThrow(/\[test\/web\] .*except "10\.0\.0\.0\/8" is the whole block/);
  });

  test('AuthorizationPolicy ipBlocks of a plain-text peer except the metadata address too', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true, mtls: MtlsMode.PERMISSIVE }) });
    const web = new SecureApp(ns, 'web', { name: 'web', image: IMAGE, port: 8080 });
    web.allowFrom(handMade('0.0.0.0/00'));
    const ap = one(synthApp(app), 'AuthorizationPolicy', 'web');
    expect(ap.spec.rules[0].from).toEqual([{ source: { ipBlocks: ['0.0.0.0/0'], notIpBlocks: ['169.254.169.254/32'] } }]);
  });
});

describe('class 8: Peer.fromCdk8sPlus opens both sides in an IsolatedNamespace, structurally', () => {
  function shop() {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    const legacy = new Plus33Deployment(chart, 'legacy', { namespace: 'shop' });
    const api = new SecureApp(ns, 'api', { name: 'api', image: IMAGE, port: 9000 });
    return { app, legacy, api };
  }
  const legacyPods = { 'cdk8s.io/metadata.addr': 'legacy-c8a1b2c3' };
  const apiPods = { 'app.kubernetes.io/instance': 'api' };

  test('allowFrom: the app admits the workload, and the workload may leave for the app', () => {
    const { app, legacy, api } = shop();
    api.allowFrom(Peer.fromCdk8sPlus(legacy));
    const out = synthApp(app);
    expect(one(out, 'NetworkPolicy', 'api').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: legacyPods } }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
    expect(one(out, 'NetworkPolicy', 'legacy-c8a1b2c3-to-api')).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'legacy-c8a1b2c3-to-api', namespace: 'shop' },
      spec: { podSelector: { matchLabels: legacyPods }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: apiPods } }], ports: [{ protocol: 'TCP', port: 9000 }] }] },
    });
  });

  test('allowTo: the app may call the workload, and the workload admits it', () => {
    const { app, legacy, api } = shop();
    api.allowTo(Peer.fromCdk8sPlus(legacy), { port: 80 });
    api.allowTo(Peer.fromCdk8sPlus(legacy), { port: 81 });
    expect(one(synthApp(app), 'NetworkPolicy', 'legacy-c8a1b2c3-from-api').spec).toEqual({
      podSelector: { matchLabels: legacyPods }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: apiPods } }], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 81 }] }],
    });
  });

  test('outside an IsolatedNamespace the workload is left alone', () => {
    const { app, chart } = newChart();
    const legacy = new Plus33Deployment(chart, 'legacy', { namespace: 'legacy' });
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(Peer.fromCdk8sPlus(legacy));
    expect(synthApp(app).filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name)).toEqual(['api']);
  });

  test('something that is not a cdk8s-plus workload is refused where it is used, with the fix', () => {
    const { chart } = newChart();
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    const notAWorkload = new Construct(chart, 'x');
    expect(() => api.allowFrom(Peer.fromCdk8sPlus(notAWorkload))).toThrow('[test/api] Peer.fromCdk8sPlus(test/x) is not a cdk8s-plus workload: it has no toPodSelectorConfig() with a label selector. Fix: pass a cdk8s-plus Deployment');
  });
});

describe('class 6 (part): the thrown class', () => {
  test('prints as SecureConfigError', () => {
    const { chart } = newChart();
    let thrown: unknown;
    try { new SecureApp(chart, 'web', { image: 'api;2.0.0', port: 8080 }); } catch (e) { thrown = e; }
    expect((thrown as Error).constructor.name).toBe('SecureConfigError');
    expect(String((thrown as Error).constructor)).toMatch(/^class SecureConfigError/);
    expect((thrown as Error).name).toBe('SecureConfigError');
  });
});

describe('class 6 (part): props are checked at the JavaScript boundary', () => {
  const attempt = (props: any) => () => new SecureApp(newChart().chart, 'web', props);
  test.each([
    ['a number for a string', { image: 42, port: 8080 }, '[test/web] image must be a string, got number 42. Fix: pass text'],
    ['null in an array', { image: IMAGE, ports: [null] }, '[test/web] ports[0] is null. Fix: remove the entry, or give a value.'],
    ['null in args', { image: IMAGE, args: ['a', null] }, '[test/web] args[1] is null.'],
    ['a plain object for a value class', { image: IMAGE, env: { A: { value: 'x' } } },
      '[test/web] env["A"] must be an EnvValue, got a plain object. Fix: make it with EnvValue.fromValue(), fromSecret(), fromConfigMap() or fromFieldPath().'],
    ['a plain object for a probe', { image: IMAGE, port: 8080, readiness: { httpGet: { path: '/' } } }, 'readiness must be a Probe, got a plain object. Fix: make it with Probe.httpGet()'],
    ['replicas beyond int32', { image: IMAGE, replicas: 3e9 }, 'replicas 3000000000 is outside -2147483648 to 2147483647, the range Kubernetes stores it in.'],
    ['a UID beyond int32', { image: IMAGE, securityContext: { runAsUser: 2 ** 31 } }, 'securityContext.runAsUser 2147483648 is outside -2147483648 to 2147483647'],
    ['a lowercase protocol', { image: IMAGE, ports: [{ name: 'dns', port: 53, protocol: 'udp' }] }, 'ports[0].protocol must be exactly "TCP", "UDP", "SCTP", got "udp". Fix: use one of those (case matters).'],
    ['a bad appProtocol', { image: IMAGE, port: 8080, appProtocol: 'http 2' }, 'appProtocol "http 2" is not a valid appProtocol'],
    ['a string for a boolean', { image: IMAGE, relax: { privileged: 'false' } }, 'relax.privileged must be true or false, got "false". Fix: pass a boolean.'],
    ['a number for a label value', { image: IMAGE, labels: { tier: 1 } }, 'labels["tier"] must be a string, got number 1.'],
  ])('%s is refused naming the path, the value and the fix', (_name, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('valid input stays valid: a domain-prefixed appProtocol, the label key "constructor"', () => {
    expect(attempt({ image: IMAGE, port: 8080, appProtocol: 'kubernetes.io/h2c', labels: { constructor: 'x' } })).not.toThrow();
  });
});

describe('class 6 (part): image references by their grammar', () => {
  const attempt = (image: string) => () => new SecureApp(newChart().chart, 'web', { image, port: 8080 });
  test('an image that breaks the reference grammar is named as that, not as "no tag"', () => {
    expect(attempt('api;2.0.0')).toThrow('[test/web] image "api;2.0.0" breaks the image reference grammar: "api;2.0.0" is not a valid path component. Fix: write [registry-host[:port]/]path[:tag|@digest]');
    expect(attempt('ghcr.io/Acme/web:1.0')).toThrow('"Acme" is not a valid path component');
  });
  test('an uppercase registry host stays valid', () => {
    expect(attempt('GHCR.IO/acme/web:1.4.2')).not.toThrow();
    expect(attempt('registry.example.com:5000/acme/web:1.4.2')).not.toThrow();
  });
});
