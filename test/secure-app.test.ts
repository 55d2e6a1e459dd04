import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvValue, MountedFiles, Peer, Probe, Protocol, SecureApp, SecureConfigError, ServiceType } from '../src';
import * as podSecurity from '../src/checks/pod-security';
import { all, DNS_RULE, newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

function webApp(extra: Partial<ConstructorParameters<typeof SecureApp>[2]> = {}, chartNamespace?: string) {
  const { app, chart } = newChart({ namespace: chartNamespace });
  const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, ...extra });
  return { app, chart, web, synth: () => synthApp(app) };
}

describe('SecureApp defaults', () => {
  const { synth } = webApp();
  const out = synth();
  const deployment = one(out, 'Deployment', 'web');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('emits exactly ServiceAccount, Deployment, Service, PDB and NetworkPolicy', () => {
    expect(out.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
  });

  test('pod security context is non-root with RuntimeDefault seccomp', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('no service-account token, on the pod and on the ServiceAccount', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    const sa = one(out, 'ServiceAccount', 'web');
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('container drops ALL capabilities and cannot escalate', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.image).toBe(IMAGE);
  });

  test('/tmp is a size-limited emptyDir', () => {
    expect(pod.volumes).toEqual([{ name: 'rw-tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container.volumeMounts).toEqual([{ name: 'rw-tmp', mountPath: '/tmp' }]);
  });

  test('requests and limits for cpu, memory and ephemeral storage', () => {
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('a TCP readiness probe on the port, and no liveness or startup probe (a TCP liveness would repeat readiness)', () => {
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.livenessProbe).toBeUndefined();
    expect(container.startupProbe).toBeUndefined();
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('labels, and selectors on exactly one stable label', () => {
    const labels = {
      'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s-secure',
      // from the image tag; no part-of, since the chart sets no namespace
      'app.kubernetes.io/version': '1.4.2',
    };
    expect(deployment.metadata.labels).toEqual(labels);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
    const selector = { 'app.kubernetes.io/instance': 'web' };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(one(out, 'Service').spec.selector).toEqual(selector);
    expect(one(out, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selector });
    expect(one(out, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: selector });
  });

  test('two replicas, RollingUpdate, PDB with unhealthyPodEvictionPolicy', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(one(out, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('spread over zones and hosts, ScheduleAnyway, with preferred anti-affinity', () => {
    const labelSelector = { matchLabels: { 'app.kubernetes.io/instance': 'web' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector } },
    ]);
  });

  test('ClusterIP Service targeting the named container port', () => {
    expect(one(out, 'Service').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/instance': 'web' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('NetworkPolicy isolates both directions and allows only DNS to kube-dns', () => {
    expect(one(out, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [DNS_RULE],
    });
  });
});

describe('SecureApp options', () => {
  test('a worker without ports has no Service and no default probes', () => {
    const { app, chart } = newChart();
    new SecureApp(chart, 'worker', { name: 'worker', image: IMAGE });
    const out = synthApp(app);
    expect(all(out, 'Service')).toHaveLength(0);
    const c = one(out, 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toBeUndefined();
  });

  test('one replica: no PDB, no spread', () => {
    const out = webApp({ replicas: 1 }).synth();
    expect(all(out, 'PodDisruptionBudget')).toHaveLength(0);
    const pod = one(out, 'Deployment').spec.template.spec;
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
  });

  test('autoscaling: HPA on CPU, PDB, and no replicas on the Deployment', () => {
    const out = webApp({ autoscaling: { maxReplicas: 5, targetCpuUtilizationPercent: 60 } }).synth();
    expect(one(out, 'Deployment').spec.replicas).toBeUndefined();
    expect(one(out, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2, maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(all(out, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('extra ports, service type, appProtocol', () => {
    const out = webApp({
      serviceType: ServiceType.LOAD_BALANCER, appProtocol: 'http',
      ports: [{ name: 'grpc', port: 9090, appProtocol: 'grpc', servicePort: 90 }, { name: 'stats', port: 8125, protocol: Protocol.UDP }],
    }).synth();
    expect(one(out, 'Service').spec.type).toBe('LoadBalancer');
    expect(one(out, 'Service').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 90, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'grpc' },
      { name: 'stats', port: 8125, targetPort: 'stats', protocol: 'UDP' },
    ]);
  });

  test('command, args, env, files, writable dirs, resources, probes', () => {
    const out = webApp({
      command: ['/bin/web'], args: ['--listen', ':8080'],
      env: { LOG_LEVEL: EnvValue.fromValue('info'), DB_PASSWORD: EnvValue.fromSecret('db', 'password'), POD: EnvValue.fromFieldPath('metadata.name') },
      files: [MountedFiles.fromConfigMap('web-config', '/etc/web'), MountedFiles.fromSecret('web-tls', '/etc/tls', { items: { 'tls.crt': 'cert.pem' } })],
      writableDirs: [{ path: '/var/cache/web', sizeLimit: '1Gi' }],
      resources: { cpu: { request: '250m', limit: '1' }, memory: { limit: '1Gi' } },
      readiness: Probe.httpGet('/ready'),
      liveness: Probe.exec(['/bin/web', 'health'], { periodSeconds: 30 }),
    }).synth();
    const pod = one(out, 'Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(c.command).toEqual(['/bin/web']);
    expect(c.args).toEqual(['--listen', ':8080']);
    expect(c.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'rw-tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'rw-var-cache-web', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'cm-web-config', configMap: { name: 'web-config', defaultMode: 0o444 } },
      { name: 'secret-web-tls', secret: { secretName: 'web-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'cert.pem' }] } },
    ]);
    expect(c.volumeMounts).toEqual([
      { name: 'rw-tmp', mountPath: '/tmp' },
      { name: 'rw-var-cache-web', mountPath: '/var/cache/web' },
      { name: 'cm-web-config', mountPath: '/etc/web', readOnly: true },
      { name: 'secret-web-tls', mountPath: '/etc/tls', readOnly: true },
    ]);
    expect(c.resources.requests.cpu).toBe('250m');
    expect(c.resources.limits.cpu).toBe('1');
    expect(c.resources.limits.memory).toBe('1Gi');
    expect(c.resources.requests.memory).toBe('128Mi');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080 });
    expect(c.livenessProbe).toMatchObject({ exec: { command: ['/bin/web', 'health'] }, periodSeconds: 30 });
  });

  test('scheduling, runtime class and user namespaces', () => {
    const pod = one(webApp({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      nodeAffinity: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }],
      priorityClassName: 'business-critical',
      runtimeClassName: 'gvisor',
      hostUsers: false,
    }).synth(), 'Deployment').spec.template.spec;
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }] }],
      },
    });
    expect(pod.priorityClassName).toBe('business-critical');
    expect(pod.runtimeClassName).toBe('gvisor');
    expect(pod.hostUsers).toBe(false);
  });

  test('custom UIDs', () => {
    const pod = one(webApp({ securityContext: { runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002 } }).synth(), 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002, runAsNonRoot: true });
    expect(pod.containers[0].securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20001 });
  });

  test('digests are accepted', () => {
    const image = `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`;
    expect(one(webApp({ image }).synth(), 'Deployment').spec.template.spec.containers[0].image).toBe(image);
  });

  test('objects land in the chart namespace', () => {
    const out = webApp({}, 'shop').synth();
    for (const m of out) expect(m.metadata.namespace).toBe('shop');
  });

  test('default name is unique per construct path', () => {
    const { app, chart } = newChart();
    const a = new SecureApp(new Construct(chart, 'team-a'), 'web', { image: IMAGE, port: 80 });
    const b = new SecureApp(new Construct(chart, 'team-b'), 'web', { image: IMAGE, port: 80 });
    expect(a.name).not.toEqual(b.name);
    expect(all(synthApp(app), 'Deployment').map((d) => d.metadata.name).sort()).toEqual([a.name, b.name].sort());
  });
});

describe('NetworkPolicy from intents', () => {
  const selector = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });

  function twoApps(webNs?: string, apiNs?: string) {
    const { app } = newChart();
    const webChart = new Chart(app, 'web-chart', { namespace: webNs });
    const apiChart = new Chart(app, 'api-chart', { namespace: apiNs });
    const web = new SecureApp(webChart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const api = new SecureApp(apiChart, 'api', { name: 'api', image: IMAGE, port: 9000, ports: [{ name: 'admin', port: 9901 }] });
    const policy = (out: any[], name: string) => one(out, 'NetworkPolicy', name).spec;
    return { app, web, api, policy };
  }

  test('api.allowFrom(web): ingress on api and egress on web, on api\'s main port', () => {
    const { app, web, api, policy } = twoApps('shop', 'shop');
    api.allowFrom(web);
    const out = synthApp(app);
    expect(policy(out, 'api').ingress).toEqual([{ from: [{ podSelector: selector('web') }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
    expect(policy(out, 'api').egress).toEqual([DNS_RULE]);
    expect(policy(out, 'web').egress).toEqual([DNS_RULE, { to: [{ podSelector: selector('api') }], ports: [{ protocol: 'TCP', port: 9000 }] }]);
    expect(policy(out, 'web').ingress).toEqual([]);
  });

  test('a.allowTo(b) and b.allowFrom(a) produce the same manifests', () => {
    const x = twoApps('shop', 'shop');
    x.web.allowTo(x.api, { port: 9901 });
    const y = twoApps('shop', 'shop');
    y.api.allowFrom(y.web, { port: 9901 });
    expect(synthApp(x.app)).toEqual(synthApp(y.app));
  });

  test('the same intent declared twice, or from both sides, is one rule', () => {
    const { app, web, api, policy } = twoApps('shop', 'shop');
    api.allowFrom(web);
    web.allowTo(api);
    api.allowFrom(web, { port: 9901 });
    const out = synthApp(app);
    expect(policy(out, 'api').ingress).toEqual([{ from: [{ podSelector: selector('web') }], ports: [{ protocol: 'TCP', port: 9000 }, { protocol: 'TCP', port: 9901 }] }]);
  });

  test('a repeated intent to an equal foreign peer is recorded once; a different one is not', () => {
    const { app, web, policy } = twoApps('shop', 'shop');
    web.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });
    web.allowTo(Peer.ipBlock('10.40.0.0/24'), { port: 5432 });
    web.allowTo(Peer.ipBlock('10.40.0.0/24', ['10.40.0.128/25']), { port: 5432 });
    expect(web.declaredConnections.map((c) => [c.to.cidr, c.to.except, c.port])).toEqual([
      ['10.40.0.0/24', undefined, 5432],
      ['10.40.0.0/24', ['10.40.0.128/25'], 5432],
    ]);
    const egress = policy(synthApp(app), 'web').egress.filter((r: any) => r.to?.some((p: any) => p.ipBlock));
    expect(egress.flatMap((r: any) => r.to)).toEqual([
      { ipBlock: { cidr: '10.40.0.0/24' } },
      { ipBlock: { cidr: '10.40.0.0/24', except: ['10.40.0.128/25'] } },
    ]);
  });

  test('cross-namespace peers select the namespace by name AND the pods, in one peer', () => {
    const { app, web, api, policy } = twoApps('shop', 'backend');
    api.allowFrom(web);
    const out = synthApp(app);
    expect(policy(out, 'api').ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: selector('web'),
    }]);
    expect(policy(out, 'web').egress[1].to).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } }, podSelector: selector('api'),
    }]);
  });

  test('Peer.namespace, Peer.pods and Peer.ipBlock', () => {
    const { app, web, api, policy } = twoApps('shop', 'shop');
    web.allowFrom(Peer.namespace('ingress-nginx'));
    api.allowFrom(Peer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' }), { port: 9901 });
    api.allowTo(Peer.ipBlock('10.40.0.0/24', ['10.40.0.128/25']), { port: 5432 });
    web.allowTo(Peer.ipBlock('0.0.0.0/0'), { port: 443 });
    const out = synthApp(app);
    expect(policy(out, 'web').ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(policy(out, 'api').ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9901 }],
    }]);
    expect(policy(out, 'api').egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.40.0.0/24', except: ['10.40.0.128/25'] } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(policy(out, 'web').egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('peers that are not SecureApps are never isolated: no policy is emitted for them', () => {
    const { app, web } = twoApps('shop', 'shop');
    web.allowFrom(Peer.pods('shop', { app: 'legacy' }));
    const policies = all(synthApp(app), 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['api', 'web']);
  });

  test('protocol override picks the matching port', () => {
    const { app, chart } = newChart();
    const dns = new SecureApp(chart, 'dns', { name: 'dns', image: IMAGE, ports: [{ name: 'dns-udp', port: 53, protocol: Protocol.UDP }, { name: 'dns-tcp', port: 53 }] });
    const client = new SecureApp(chart, 'client', { name: 'client', image: IMAGE });
    client.allowTo(dns, { protocol: Protocol.UDP });
    expect(one(synthApp(app), 'NetworkPolicy', 'dns').spec.ingress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }]);
  });
});

describe('handles', () => {
  test('each handle is the object emitted, so escape hatches reach the output', () => {
    const { app, chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const handles = [web.serviceAccount, web.deployment, web.service!, web.podDisruptionBudget!, web.networkPolicy];
    expect(handles.map((o) => `${o.kind}/${o.name}`)).toEqual(['ServiceAccount/web', 'Deployment/web', 'Service/web', 'PodDisruptionBudget/web', 'NetworkPolicy/web']);
    web.deployment.addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    web.service!.metadata.addAnnotation('team', 'payments');
    const out = synthApp(app);
    expect(one(out, 'Deployment', 'web').spec.minReadySeconds).toBe(10);
    expect(one(out, 'Service', 'web').metadata.annotations).toEqual({ team: 'payments' });
  });

  test('a single replica has no PodDisruptionBudget handle, and no PDB', () => {
    const { app, chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080, replicas: 1 });
    expect(web.podDisruptionBudget).toBeUndefined();
    expect(all(synthApp(app), 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('bad input is refused with the path, the value and the fix', () => {
  const attempt = (props: any, id = 'web') => () => {
    const { chart } = newChart();
    new SecureApp(chart, id, props);
  };
  const cases: Array<[string, any, RegExp]> = [
    ['missing image', { port: 80 }, /\[test\/web\] image is missing\. Fix: set `image`/],
    [':latest', { image: 'nginx:latest' }, /"nginx:latest" uses the mutable tag ":latest"\. Fix: pin a version tag or a digest/],
    ['untagged', { image: 'ghcr.io/acme/web' }, /"ghcr.io\/acme\/web" has no tag.*Fix: pin/],
    ['malformed digest', { image: 'web@sha256:abc' }, /malformed digest/],
    ['invalid name', { image: IMAGE, name: 'Web_App' }, /name "Web_App" is not a valid DNS-1123 label\. Fix: .*"web-app"/],
    ['port 0', { image: IMAGE, port: 0 }, /port "http" 0 is outside 1-65535/],
    ['port 70000', { image: IMAGE, port: 70000 }, /70000 is outside 1-65535/],
    ['duplicate port name', { image: IMAGE, port: 80, ports: [{ name: 'http', port: 81 }] }, /port name "http" is used twice/],
    ['long port name', { image: IMAGE, ports: [{ name: 'a-very-long-port-name', port: 81 }] }, /"a-very-long-port-name" is 21 characters long; Kubernetes allows at most 15/],
    ['negative replicas', { image: IMAGE, replicas: -1 }, /replicas -1 must be a whole number >= 0/],
    ['autoscaling min > max', { image: IMAGE, autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /maxReplicas 3 must be greater than minReplicas 5/],
    ['autoscaling min < 2', { image: IMAGE, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, /minReplicas 1 is below 2/],
    ['CPU target above 100%', { image: IMAGE, autoscaling: { maxReplicas: 6, targetCpuUtilizationPercent: 150 } }, /targetCpuUtilizationPercent 150 must be a whole percent from 1 to 100\. Fix: /],
    ['unknown serviceType', { image: IMAGE, port: 80, serviceType: 'ExternalName' }, /serviceType "ExternalName" is not ClusterIP, NodePort or LoadBalancer\. Fix: use ServiceType\.CLUSTER_IP/],
    ['replicas with autoscaling', { image: IMAGE, replicas: 3, autoscaling: { maxReplicas: 6 } }, /replicas and autoscaling are both set/],
    ['quantity with a space', { image: IMAGE, resources: { cpu: { request: '100 m' } } }, /cpu request "100 m" is not a valid Kubernetes quantity\. Fix: .*"250m"/],
    ['request above limit', { image: IMAGE, resources: { memory: { request: '2Gi', limit: '1Gi' } } }, /memory request "2Gi" exceeds memory limit "1Gi". Fix: raise the limit or lower the request/],
    ['runAsUser 0', { image: IMAGE, securityContext: { runAsUser: 0 } }, /securityContext\.runAsUser 0 is root\. Fix: use a non-zero id/],
    ['CAP_ prefix', { image: IMAGE, relax: { addCapabilities: ['CAP_NET_ADMIN'] } }, /"CAP_NET_ADMIN" uses the kernel's CAP_ prefix.*Fix: write "NET_ADMIN"/],
    ['secret in a literal env var', { image: IMAGE, env: { API_TOKEN: EnvValue.fromValue('s3cr3t') } }, /env "API_TOKEN" looks like a secret.*EnvValue\.fromSecret/],
    ['relative writable dir', { image: IMAGE, writableDirs: [{ path: 'cache' }] }, /writable dir "cache" is not absolute/],
    ['writable dir listed twice', { image: IMAGE, writableDirs: [{ path: '/cache' }, { path: '/cache', sizeLimit: '1Gi' }] }, /writable dir "\/cache" is listed twice\. Fix: list each directory once/],
    ['files over the default /tmp', { image: IMAGE, files: [MountedFiles.fromConfigMap('cfg', '/tmp')] },
      /mount path "\/tmp" is used by both the default writable dir "\/tmp" \(list it in writableDirs to change its sizeLimit\) and ConfigMap "cfg" at \/tmp\. Fix: mount each directory once/],
    ['two dirs, one volume name', { image: IMAGE, writableDirs: [{ path: '/var/cache' }, { path: '/var-cache' }] },
      /writable dir "\/var\/cache" and writable dir "\/var-cache" would both be volume "rw-var-cache"\. Fix: /],
    ['one ConfigMap mounted twice', { image: IMAGE, files: [MountedFiles.fromConfigMap('cfg', '/etc/a'), MountedFiles.fromConfigMap('cfg', '/etc/b')] },
      /ConfigMap "cfg" at \/etc\/a and ConfigMap "cfg" at \/etc\/b would both be volume "cm-cfg"\. Fix: mount each ConfigMap or Secret once/],
    ['relative file mount', { image: IMAGE, files: [MountedFiles.fromSecret('tls', 'etc/tls')] }, /Secret "tls" at etc\/tls: mount path "etc\/tls" is not absolute\. Fix: start it with '\/'/],
    ['NodePort without a port', { image: IMAGE, serviceType: ServiceType.NODE_PORT }, /serviceType NodePort needs a port/],
    ['toleration operator typo', { image: IMAGE, tolerations: [{ key: 'gpu', operator: 'exists' }] }, /toleration .* has operator "exists"\. Fix: use "Equal" or "Exists"/],
    ['toleration value with Exists', { image: IMAGE, tolerations: [{ key: 'gpu', operator: 'Exists', value: 'x' }] }, /sets a value with operator Exists/],
    ['toleration effect typo', { image: IMAGE, tolerations: [{ key: 'gpu', value: 'x', effect: 'NoScheduled' }] }, /has effect "NoScheduled"/],
    ['tolerationSeconds without NoExecute', { image: IMAGE, tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }] }, /tolerationSeconds, which only applies to effect NoExecute/],
    ['toleration without a key', { image: IMAGE, tolerations: [{ value: 'x' }] }, /has no key, which only operator Exists allows.*Fix: set the taint key/],
    ['node affinity Exists with values', { image: IMAGE, nodeAffinity: [{ key: 'gpu', operator: 'Exists', values: ['a'] }] }, /must not have values with operator Exists\. Fix: drop the values/],
    ['bad nodeSelector', { image: IMAGE, nodeSelector: { 'disk type': 'ssd' } }, /nodeSelector .*disk type.*Fix:/],
    ['bad priorityClassName', { image: IMAGE, priorityClassName: 'High_Priority' }, /priorityClassName "High_Priority" is not a valid DNS-1123 subdomain\. Fix: /],
    ['node affinity In without values', { image: IMAGE, nodeAffinity: [{ key: 'zone', operator: 'In' }] }, /needs values for operator In/],
    ['node affinity unknown operator', { image: IMAGE, nodeAffinity: [{ key: 'zone', operator: 'Equals', values: ['a'] }] }, /has operator "Equals"\. Fix: use In, NotIn/],
    ['node affinity Gt with a word', { image: IMAGE, nodeAffinity: [{ key: 'cores', operator: 'Gt', values: ['many'] }] }, /exactly one integer value for operator Gt/],
    ['probe on a port the app lacks', { image: IMAGE, port: 80, readiness: Probe.httpGet('/', { port: 81 }) }, /readiness probe port 81 is not a container port/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('all problems are listed at once, and nothing is added to the tree', () => {
    const { chart } = newChart();
    expect(() => new SecureApp(chart, 'web', { image: 'nginx', port: 0, replicas: -2 }))
      .toThrow(/\[test\/web\] 3 problems:\n {2}- image "nginx" has no tag[\s\S]*outside 1-65535[\s\S]*replicas -2/);
    expect(chart.node.tryFindChild('web')).toBeUndefined();
  });

  test('a peer port that the target app does not expose', () => {
    const { chart } = newChart();
    const web = new SecureApp(chart, 'web', { image: IMAGE, port: 8080 });
    const api = new SecureApp(chart, 'api', { image: IMAGE, port: 9000 });
    expect(() => api.allowFrom(web, { port: 9999 })).toThrow(
      /\[test\/api\] SecureApp test\/api does not expose container port 9999\/TCP; it exposes 9000\/TCP \(http\)\. Fix: use one of those ports/);
    expect(() => web.allowTo(api, { port: 9000, protocol: Protocol.UDP })).toThrow(/does not expose container port 9000\/UDP/);
  });

  test('connections to a worker or to an external peer need a port', () => {
    const { chart } = newChart();
    const worker = new SecureApp(chart, 'worker', { image: IMAGE });
    const web = new SecureApp(chart, 'web', { image: IMAGE, port: 8080 });
    expect(() => worker.allowFrom(web)).toThrow(/exposes no container port.*Fix: give test\/worker a `port`/);
    expect(() => worker.allowTo(Peer.ipBlock('10.0.0.0/8'))).toThrow(/needs a port.*Fix: pass \{ port: <number> \}/);
  });

  test('bad peers: a Peer carries its problem, and the app it is given to fails with its path, adding nothing', () => {
    const { chart } = newChart();
    const web = new SecureApp(chart, 'web', { image: IMAGE, port: 8080 });
    const bad = Peer.ipBlock('10.0.0.0/33');
    expect(() => web.allowTo(bad, { port: 443 })).toThrow(/^\[test\/web\] Peer.ipBlock cidr "10.0.0.0\/33" is not a CIDR block/);
    expect(() => web.allowFrom(bad, { port: 8080 })).toThrow(SecureConfigError);
    expect(() => web.allowTo(Peer.ipBlock('10.0.0.0/8', ['192.168.0.0/16']), { port: 443 })).toThrow(/^\[test\/web\] Peer.ipBlock except "192.168.0.0\/16" is not inside "10.0.0.0\/8"/);
    expect(() => web.allowFrom(Peer.namespace('Kube_System'))).toThrow(/^\[test\/web\] Peer.namespace name "Kube_System" is not a valid DNS-1123 label/);
    expect(() => web.allowFrom(Peer.pods('shop', {}))).toThrow(/^\[test\/web\] Peer.pods needs at least one label/);
    expect(() => web.allowTo(Peer.ipBlock('2001:db8::/32', ['2001:db9::/48']), { port: 443 })).toThrow(/except "2001:db9::\/48" is not inside "2001:db8::\/32"/);
    expect(web.declaredConnections).toEqual([]);
    expect(Peer.ipBlock('2001:db8::/32', ['2001:db8:1::/48']).toPeerInfo().except).toEqual(['2001:db8:1::/48']);
  });
});

describe('Pod Security is checked at synth', () => {
  test('each app is judged once, however often cdk8s validates and whatever connections come later', () => {
    const { app, chart } = newChart();
    const web = new SecureApp(chart, 'web', { name: 'web', image: IMAGE, port: 8080 });
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    const spy = jest.spyOn(podSecurity, 'checkPodSecurity');
    try {
      web.node.validate();
      web.node.validate();
      api.allowFrom(web);
      web.node.validate();
      synthApp(app);
      // Two apps, each checked at the pinned version and at latest: four calls in all.
      expect(spy).toHaveBeenCalledTimes(4);
    } finally {
      spy.mockRestore();
    }
  });

  test('NET_ADMIN fails restricted with the check, the field and the fix', () => {
    const { synth } = webApp({ relax: { addCapabilities: ['NET_ADMIN'] } });
    expect(synth).toThrow(/\[test\/web\] Pod Security "restricted" \(v1\.35\) check capabilities_restricted fails: .*NET_ADMIN.*Fix: /);
  });

  test('NET_BIND_SERVICE is admitted under restricted', () => {
    const out = webApp({ relax: { addCapabilities: ['NET_BIND_SERVICE'] } }).synth();
    expect(one(out, 'Deployment').spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });

  test.each([
    ['privileged', { privileged: true }, /privileged/],
    ['allowPrivilegeEscalation', { allowPrivilegeEscalation: true }, /allowPrivilegeEscalation/],
    ['hostNetwork', { hostNetwork: true }, /hostNamespaces/],
    ['seccomp Unconfined', { seccompUnconfined: true }, /seccompProfile/],
  ])('relaxing %s fails restricted', (_n, relax, check) => {
    expect(webApp({ relax }).synth).toThrow(check);
  });

  test('a writable root filesystem or a mounted token is allowed (Pod Security does not forbid them) and visible', () => {
    const pod = one(webApp({ relax: { writableRootFilesystem: true, mountServiceAccountToken: true } }).synth(), 'Deployment').spec.template.spec;
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(true);
  });
});

describe('cdk8s-plus-27 interop', () => {
  test('a cdk8s-plus Deployment is a peer selected by its own pod labels, and is not isolated', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kplus = require('cdk8s-plus-27');
    const { app } = newChart();
    const legacyChart = new Chart(app, 'legacy', { namespace: 'legacy' });
    const legacy = new kplus.Deployment(legacyChart, 'legacy', { containers: [{ image: 'ghcr.io/acme/legacy:1.0', portNumber: 80 }] });
    const apiChart = new Chart(app, 'api-chart', { namespace: 'shop' });
    const api = new SecureApp(apiChart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(Peer.fromCdk8sPlus(legacy));
    const out = synthApp(app);
    const podLabels = one(out, 'Deployment', legacy.name).spec.template.metadata.labels;
    expect(one(out, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'legacy' } }, podSelector: { matchLabels: legacy.matchLabels } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    }]);
    for (const [k, v] of Object.entries(legacy.matchLabels)) expect(podLabels[k]).toBe(v);
    expect(all(out, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['api']);
  });

  test('a cdk8s-plus workload selected by label expressions is refused where it is used, with the fix', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kplus = require('cdk8s-plus-27');
    const { chart } = newChart({ namespace: 'shop' });
    const legacy = kplus.Pods.select(chart, 'legacy', { labels: { app: 'legacy' }, expressions: [kplus.LabelExpression.exists('tier')] });
    const api = new SecureApp(chart, 'api', { name: 'api', image: IMAGE, port: 9000 });
    expect(() => api.allowFrom(Peer.fromCdk8sPlus(legacy))).toThrow(
      /^\[test\/api\] Peer.fromCdk8sPlus\(test\/legacy\) selects pods with label expressions, which this library does not translate. Fix: select the pods by labels with Peer.pods\(namespace, labels\)./);
    expect(api.declaredConnections).toEqual([]);
  });
});

describe('options that had no test of their own', () => {
  test('extra labels, appName and pod annotations', () => {
    const out = webApp({ appName: 'storefront', labels: { team: 'shop' }, podAnnotations: { 'example.com/owner': 'shop' } }).synth();
    const d = one(out, 'Deployment');
    expect(d.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'storefront', 'team': 'shop' });
    for (const m of out) expect(m.metadata.labels.team).toBe('shop');
    expect(d.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'storefront', 'team': 'shop' });
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'shop' });
    // selectors stay on the one instance label, whatever labels are added
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'web' } });
    expect(() => webApp({ appName: 'Store Front' })).toThrow(/\[test\/web\] appName "app\.kubernetes\.io\/name: Store Front" has an invalid value\. Fix: /);
  });

  test('exposeOnService keeps a container port off the Service but in the pod', () => {
    const out = webApp({ ports: [{ name: 'debug', port: 6060, exposeOnService: false }] }).synth();
    expect(one(out, 'Service').spec.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(one(out, 'Deployment').spec.template.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['http', 'debug']);
  });

  test('a TCP probe on another port of the app', () => {
    const c = one(webApp({ ports: [{ name: 'health', port: 8081 }], liveness: Probe.tcpSocket({ port: 8081, periodSeconds: 5 }) }).synth(), 'Deployment').spec.template.spec.containers[0];
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 8081 }, periodSeconds: 5 });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 8080 });
  });

  test('env from a ConfigMap, and optional references', () => {
    const c = one(webApp({ env: { MODE: EnvValue.fromConfigMap('web-config', 'mode', { optional: true }), EXTRA: EnvValue.fromSecret('extra', 'k', { optional: true }) } }).synth(), 'Deployment').spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'mode', optional: true } } },
      { name: 'EXTRA', valueFrom: { secretKeyRef: { name: 'extra', key: 'k', optional: true } } },
    ]);
  });

  test('relaxing hostIPC fails restricted, naming the prop', () => {
    expect(webApp({ relax: { hostIPC: true } }).synth).toThrow(/check hostNamespaces fails: .*hostIPC.*set by `relax\.hostIPC`/);
  });
});
