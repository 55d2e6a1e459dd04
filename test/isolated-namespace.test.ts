import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterSettings, IsolatedNamespace, PodSecurityLevel, RbacSubject, SecureApp, ServiceType } from '../src';
import { all, DNS_RULE, newChart, one, synthApp } from './support/synth';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

describe('IsolatedNamespace defaults', () => {
  const { app, chart } = newChart();
  new IsolatedNamespace(chart, 'shop');
  const out = synthApp(app);

  test('Namespace with Pod Security labels: enforce pinned, audit and warn at latest', () => {
    const ns = one(out, 'Namespace', 'shop');
    expect(ns.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.35',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
    expect(ns.metadata.namespace).toBeUndefined();
  });

  test('default-deny both ways, and DNS to kube-dns only', () => {
    expect(one(out, 'NetworkPolicy', 'default-deny')).toMatchObject({
      metadata: { namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    expect(one(out, 'NetworkPolicy', 'default-deny').spec.ingress).toBeUndefined();
    expect(one(out, 'NetworkPolicy', 'default-deny').spec.egress).toBeUndefined();
    expect(one(out, 'NetworkPolicy', 'allow-dns').spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [DNS_RULE] });
    expect(all(out, 'NetworkPolicy')).toHaveLength(2);
  });

  test('ResourceQuota and LimitRange defaults', () => {
    expect(one(out, 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '4', 'requests.memory': '8Gi', 'requests.ephemeral-storage': '8Gi',
      'limits.cpu': '8', 'limits.memory': '16Gi', 'limits.ephemeral-storage': '16Gi',
      'pods': '50', 'services.loadbalancers': '0', 'services.nodeports': '0',
    });
    expect(one(out, 'LimitRange').spec.limits).toEqual([{
      type: 'Container',
      default: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
      defaultRequest: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      max: { 'cpu': '2', 'memory': '4Gi', 'ephemeral-storage': '2Gi' },
    }]);
  });

  test('default ServiceAccount without a token; no RBAC, never cluster-wide', () => {
    expect(one(out, 'ServiceAccount', 'default')).toMatchObject({ metadata: { namespace: 'shop' }, automountServiceAccountToken: false });
    expect(all(out, 'RoleBinding')).toHaveLength(0);
    expect(all(out, 'ClusterRoleBinding')).toHaveLength(0);
  });
});

describe('IsolatedNamespace handles', () => {
  test('the level, version, quota and Namespace object in force', () => {
    const { chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.29', quota: { pods: '20' } });
    expect([ns.name, ns.podSecurity, ns.podSecurityVersion]).toEqual(['shop', 'baseline', 'v1.29']);
    expect(`${ns.namespaceObject.kind}/${ns.namespaceObject.name}`).toBe('Namespace/shop');
    expect(ns.quota.pods).toBe('20');
  });
});

describe('IsolatedNamespace options', () => {
  test('levels, versions and labels are configurable', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'ops', {
      name: 'ops-tools', podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.29',
      warnLevel: PodSecurityLevel.RESTRICTED, auditWarnVersion: 'v1.30', labels: { team: 'ops' },
    });
    expect(one(synthApp(app), 'Namespace').metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.29',
      'pod-security.kubernetes.io/audit': 'baseline',
      'pod-security.kubernetes.io/audit-version': 'v1.30',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.30',
      'team': 'ops',
    });
  });

  test('allowIntraNamespace opens pod-to-pod traffic inside the namespace only', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'shop', { allowIntraNamespace: true });
    expect(one(synthApp(app), 'NetworkPolicy', 'allow-same-namespace').spec).toEqual({
      podSelector: {}, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }],
    });
  });

  test('quota and limits are configurable; load balancers and node ports can be allowed', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'shop', {
      quota: { 'requests.cpu': '16', 'pods': '200', 'count/secrets': '20' },
      allowLoadBalancers: true, allowNodePorts: true,
      limitRange: { max: { cpu: '4' } },
    });
    const out = synthApp(app);
    const hard = one(out, 'ResourceQuota').spec.hard;
    expect(hard).toMatchObject({ 'requests.cpu': '16', 'pods': '200', 'count/secrets': '20', 'requests.memory': '8Gi' });
    expect(hard['services.loadbalancers']).toBeUndefined();
    expect(hard['services.nodeports']).toBeUndefined();
    expect(one(out, 'LimitRange').spec.limits[0].max.cpu).toBe('4');
  });

  test('RBAC: RoleBindings to the built-in ClusterRoles in this namespace only', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'shop', {
      admins: [RbacSubject.group('shop-admins')],
      editors: [RbacSubject.user('alice@example.com'), RbacSubject.serviceAccount('deployer'), RbacSubject.serviceAccount('argocd', 'argocd')],
      viewers: [RbacSubject.group('auditors')],
    });
    const out = synthApp(app);
    expect(all(out, 'ClusterRoleBinding')).toHaveLength(0);
    expect(all(out, 'ClusterRole')).toHaveLength(0);
    expect(all(out, 'Role')).toHaveLength(0);
    const bindings = all(out, 'RoleBinding');
    expect(bindings.map((b) => [b.metadata.name, b.metadata.namespace, b.roleRef])).toEqual([
      ['admins', 'shop', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }],
      ['edits', 'shop', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }],
      ['views', 'shop', { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }],
    ]);
    expect(one(out, 'RoleBinding', 'edits').subjects).toEqual([
      { kind: 'User', name: 'alice@example.com', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' },
      { kind: 'ServiceAccount', name: 'argocd', namespace: 'argocd' },
    ]);
  });

  test('the Namespace stays cluster-scoped inside a chart that sets a namespace', () => {
    const { app, chart } = newChart({ namespace: 'elsewhere' });
    new IsolatedNamespace(chart, 'shop');
    const out = synthApp(app);
    expect(one(out, 'Namespace').metadata.namespace).toBeUndefined();
    expect(one(out, 'ResourceQuota').metadata.namespace).toBe('shop');
  });
});

describe('apps inherit the namespace and its Pod Security level', () => {
  test('a SecureApp at any depth lands in the namespace', () => {
    const { app, chart } = newChart({ namespace: 'ignored' });
    const shop = new IsolatedNamespace(chart, 'shop');
    const web = new SecureApp(new Construct(new Construct(shop, 'frontend'), 'tier'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(web.namespace).toBe('shop');
    const out = synthApp(app).filter((m) => m.metadata.name === 'web');
    expect(out.length).toBe(5);
    for (const m of out) expect(m.metadata.namespace).toBe('shop');
  });

  test('NET_ADMIN fails in restricted and in baseline namespaces, with the path and the fix', () => {
    for (const level of [PodSecurityLevel.RESTRICTED, PodSecurityLevel.BASELINE]) {
      const { app, chart } = newChart();
      const ns = new IsolatedNamespace(chart, 'net', { podSecurity: level });
      new SecureApp(ns, 'router', { image: IMAGE, port: 8080, relax: { addCapabilities: ['NET_ADMIN'] } });
      expect(() => synthApp(app)).toThrow(new RegExp(
        `\\[test/net/router\\] Pod Security "${level}" \\(v1\\.35\\) check capabilities_${level} fails: .*NET_ADMIN.*set by \`relax\\.addCapabilities\`.*Fix: .*namespace "net"`));
    }
  });

  test('NET_ADMIN is admitted in a privileged namespace', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'net', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new SecureApp(ns, 'router', { name: 'router', image: IMAGE, port: 8080, relax: { addCapabilities: ['NET_ADMIN'], hostNetwork: true } });
    const pod = one(synthApp(app), 'Deployment').spec.template.spec;
    expect(pod.containers[0].securityContext.capabilities.add).toEqual(['NET_ADMIN']);
    expect(pod.hostNetwork).toBe(true);
  });

  test('baseline forbids host namespaces', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'b', { podSecurity: PodSecurityLevel.BASELINE });
    new SecureApp(ns, 'x', { image: IMAGE, relax: { hostPID: true } });
    expect(() => synthApp(app)).toThrow(/Pod Security "baseline" .* check hostNamespaces fails/);
  });

  test('allowPrivilegeEscalation passes baseline but not restricted', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'b', { podSecurity: PodSecurityLevel.BASELINE });
    new SecureApp(ns, 'x', { name: 'x', image: IMAGE, relax: { allowPrivilegeEscalation: true } });
    expect(one(synthApp(app), 'Deployment').spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(true);
  });
});

describe('namespaces as peers', () => {
  test('api.allowFrom(namespace) admits all its pods', () => {
    const { app, chart } = newChart();
    const shop = new IsolatedNamespace(chart, 'shop');
    const payments = new IsolatedNamespace(chart, 'payments');
    const api = new SecureApp(payments, 'api', { name: 'api', image: IMAGE, port: 9000 });
    api.allowFrom(shop);
    expect(one(synthApp(app), 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    }]);
  });

  test('a.allowTo(b) across two namespaces: namespace AND pod selectors on both sides', () => {
    const { app } = newChart();
    const shop = new IsolatedNamespace(new Chart(app, 'shop-chart'), 'shop');
    const payments = new IsolatedNamespace(new Chart(app, 'payments-chart'), 'payments');
    const checkout = new SecureApp(shop, 'checkout', { name: 'checkout', image: IMAGE, port: 8080 });
    const ledger = new SecureApp(payments, 'ledger', { name: 'ledger', image: IMAGE, port: 7000 });
    checkout.allowTo(ledger);
    const out = synthApp(app);
    expect(one(out, 'NetworkPolicy', 'checkout').spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'ledger' } } }],
      ports: [{ protocol: 'TCP', port: 7000 }],
    });
    expect(one(out, 'NetworkPolicy', 'ledger').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'checkout' } } }],
      ports: [{ protocol: 'TCP', port: 7000 }],
    }]);
  });
});

describe('quota and limits are checked against the apps inside', () => {
  test('requests beyond the quota fail with the numbers', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'requests.cpu': '1' } });
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, replicas: 3, resources: { cpu: { request: '200m' } } });
    new SecureApp(ns, 'api', { image: IMAGE, port: 9000, autoscaling: { maxReplicas: 4 }, resources: { cpu: { request: '100m' } } });
    expect(() => synthApp(app)).toThrow(
      /\[test\/shop\] ResourceQuota requests\.cpu is 1 but the apps inside need 1300m \(test\/shop\/web: 4 pods \(3 replicas \+ 1 rollout surge\) × 200m; test\/shop\/api: 5 pods \(4 autoscaling max \+ 1 rollout surge\) × 100m\)\. Fix: raise quota\['requests\.cpu'\]/);
  });

  test('apps within the quota synthesize', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'requests.cpu': '1300m' } });
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, replicas: 3, resources: { cpu: { request: '200m' } } });
    new SecureApp(ns, 'api', { image: IMAGE, port: 9000, autoscaling: { maxReplicas: 4 }, resources: { cpu: { request: '100m' } } });
    expect(all(synthApp(app), 'Deployment')).toHaveLength(2);
  });

  test('pods and memory limits count too', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { 'pods': '3', 'limits.memory': '512Mi' } });
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080 });
    // 2 replicas + 1 surge = 3 pods: exactly the pod quota (fine), 3 × 256Mi memory limit (not).
    expect(() => synthApp(app)).toThrow(/ResourceQuota limits\.memory is 512Mi but the apps inside need 768Mi/);
    expect(() => synthApp(app)).not.toThrow(/ResourceQuota pods/);
    const { app: app2, chart: chart2 } = newChart();
    const ns2 = new IsolatedNamespace(chart2, 'shop', { quota: { pods: '2' } });
    new SecureApp(ns2, 'web', { image: IMAGE, port: 8080 });
    expect(() => synthApp(app2)).toThrow(/ResourceQuota pods is 2 but the apps inside need 3/);
  });

  test('a LoadBalancer Service fails where the quota forbids it', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, serviceType: ServiceType.LOAD_BALANCER });
    expect(() => synthApp(app)).toThrow(/ResourceQuota services\.loadbalancers is 0 but the apps inside need 1/);
    const { app: ok, chart: c2 } = newChart();
    new SecureApp(new IsolatedNamespace(c2, 'shop', { allowLoadBalancers: true, allowNodePorts: true }), 'web', { image: IMAGE, port: 8080, serviceType: ServiceType.LOAD_BALANCER });
    expect(one(synthApp(ok), 'Service').spec.type).toBe('LoadBalancer');
  });

  test('a container limit above the LimitRange max fails', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop');
    new SecureApp(ns, 'web', { image: IMAGE, port: 8080, resources: { memory: { limit: '8Gi' } } });
    expect(() => synthApp(app)).toThrow(/test\/shop\/web: container "app" sets memory limit "8Gi" above the namespace LimitRange max "4Gi"/);
  });
});

describe('bad namespace input', () => {
  const attempt = (props: any, id = 'shop') => () => new IsolatedNamespace(newChart().chart, id, props);
  test.each([
    ['reserved name', { name: 'kube-system' }, /\[test\/shop\] namespace name "kube-system" is reserved by Kubernetes/],
    ['default', { name: 'default' }, /"default" is reserved/],
    ['invalid name', { name: 'Shop_1' }, /namespace name "Shop_1" is not a valid DNS-1123 label/],
    ['bad level', { podSecurity: 'strict' }, /podSecurity "strict" is not a Pod Security level/],
    ['bad version', { podSecurityVersion: '1.x' }, /podSecurityVersion "1\.x" is not a Pod Security version\. Fix: use "latest" or "v1\.<minor>"/],
    ['bad quota quantity', { quota: { 'requests.cpu': '4 cores' } }, /quota\["requests\.cpu"\] "4 cores" is not a valid Kubernetes quantity/],
    ['bad limit quantity', { limitRange: { max: { memory: '1 GB' } } }, /limitRange\.max\["memory"\] "1 GB" is not a valid/],
    ['default above max', { limitRange: { max: { cpu: '100m' } } }, /limitRange default cpu "500m" exceeds the max "100m"/],
    ['system subject', { admins: [RbacSubject.group('system:authenticated')] }, /"system:authenticated" is a built-in system identity/],
    ['bad service account', { viewers: [RbacSubject.serviceAccount('Bad_SA')] }, /viewers: ServiceAccount subject name "Bad_SA"/],
    ['subject with no name', { editors: [RbacSubject.user('')] }, /editors: an RBAC User has an empty name\. Fix: name the subject/],
    ['bad audit level', { auditLevel: 'loud' }, /auditLevel "loud" is not a Pod Security level\. Fix: /],
    ['bad audit/warn version', { auditWarnVersion: 'newest' }, /auditWarnVersion "newest" is not a Pod Security version\. Fix: /],
    ['bad namespace label', { labels: { 'team name': 'pay' } }, /namespace label .*team name/],
  ])('%s', (_n, props, message) => {
    expect(attempt(props)).toThrow(message);
  });
});

describe('settings and levels that had no test of their own', () => {
  test('auditLevel is its own label', () => {
    const { app, chart } = newChart();
    new IsolatedNamespace(chart, 'shop', { podSecurity: PodSecurityLevel.BASELINE, auditLevel: PodSecurityLevel.RESTRICTED });
    expect(one(synthApp(app), 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'baseline',
    });
  });

  test('the DNS location moves the namespace\'s DNS policy and every app\'s DNS rule together', () => {
    const { app, chart } = newChart();
    ClusterSettings.apply(app, { dnsNamespace: 'dns-system', dnsPodLabels: { app: 'coredns' } });
    new SecureApp(new IsolatedNamespace(chart, 'shop'), 'web', { name: 'web', image: IMAGE, port: 8080 });
    const out = synthApp(app);
    const rule = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    };
    expect(one(out, 'NetworkPolicy', 'allow-dns').spec.egress).toEqual([rule]);
    expect(one(out, 'NetworkPolicy', 'web').spec.egress).toEqual([rule]);
  });
});
