import { Chart, Testing } from 'cdk8s';
import { IsolatedNamespace, Peer, PodSecurityLevel, SecureApp, SecureConfigError, SecureDaemonSet } from '../src';
import { installMatchers } from '../src/testing';
import { expectValidManifests } from './support/schema';
import { DNS_RULE, newChart, one, synthApp } from './support/synth';

installMatchers();

const IMAGE = 'fluent/fluent-bit:3.1.4';
const sel = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });

describe('SecureDaemonSet', () => {
  const { app, chart } = newChart({ namespace: 'ops' });
  const agent = new SecureDaemonSet(chart, 'agent', {
    name: 'agent', image: IMAGE, port: 2020, maxUnavailable: 2,
    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
  });
  agent.allowTo(Peer.ipBlock('10.20.0.0/16'), { port: 443 });
  const out = synthApp(app);
  const ds = one(out, 'DaemonSet', 'agent');

  test('emits a ServiceAccount, the DaemonSet and a NetworkPolicy: no Service, PDB or autoscaler', () => {
    expect(out.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['ServiceAccount/agent', 'DaemonSet/agent', 'NetworkPolicy/agent']);
  });

  test('rolling updates take down at most maxUnavailable nodes and never surge; tolerations on the pod', () => {
    const { template, ...spec } = ds.spec;
    expect(spec).toEqual({ revisionHistoryLimit: 5, selector: sel('agent'), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } } });
    expect(template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(template.spec.affinity).toBeUndefined();
    expect(template.spec.hostNetwork).toBeUndefined();
    expect(template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(out).toPassPodSecurity('restricted');
    expectValidManifests(out);
  });

  test('its NetworkPolicy: egress to the declared block only, no ingress', () => {
    expect(one(out, 'NetworkPolicy', 'agent').spec).toEqual({
      podSelector: sel('agent'), policyTypes: ['Ingress', 'Egress'], ingress: [],
      egress: [DNS_RULE, { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });

  test('host access under restricted is refused, naming the relaxation and the namespace', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'ops');
    new SecureDaemonSet(ns, 'agent', { image: IMAGE, relax: { hostNetwork: true, hostPID: true } });
    expect(() => synthApp(a)).toThrow(/Pod Security "restricted" \(v1\.35\) check hostNamespaces fails: .*\(field spec\.hostNetwork, set by `relax\.hostNetwork`\)\. Fix: .*\(the app lands in namespace "ops"\)/);
  });

  test('host access is admitted where the namespace is privileged', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'ops', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new SecureDaemonSet(ns, 'agent', { name: 'agent', image: IMAGE, relax: { hostNetwork: true, hostPID: true } });
    const pod = one(synthApp(a), 'DaemonSet', 'agent').spec.template.spec;
    expect([pod.hostNetwork, pod.hostPID]).toEqual([true, true]);
  });

  test('read-only host paths: a hostPath volume and a read-only mount, admitted where the namespace is privileged', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'logging', { podSecurity: PodSecurityLevel.PRIVILEGED });
    new SecureDaemonSet(ns, 'agent', {
      name: 'agent', image: IMAGE,
      relax: { hostPaths: [{ path: '/var/log/pods', mountPath: '/host/var/log/pods' }, { path: '/etc/machine-id', mountPath: '/etc/machine-id' }] },
    });
    const out = synthApp(a);
    const pod = one(out, 'DaemonSet', 'agent').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'rw-tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'host-var-log-pods', hostPath: { path: '/var/log/pods' } },
      { name: 'host-etc-machine-id', hostPath: { path: '/etc/machine-id' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'rw-tmp', mountPath: '/tmp' },
      { name: 'host-var-log-pods', mountPath: '/host/var/log/pods', readOnly: true },
      { name: 'host-etc-machine-id', mountPath: '/etc/machine-id', readOnly: true },
    ]);
    // Host paths are no persistent volume: fsGroup is not changed on them.
    expect(pod.securityContext.fsGroupChangePolicy).toBeUndefined();
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false });
    expectValidManifests(out);
  });

  test.each([
    ['restricted', undefined, 'restrictedVolumes', 'uses restricted volume type "hostPath"'],
    ['baseline', PodSecurityLevel.BASELINE, 'hostPathVolumes', 'mounts host path "/var/log"'],
  ])('a host path under %s is refused at synth, naming the level, the relaxation and the fix', (level, podSecurity, check, what) => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'ops', { podSecurity });
    new SecureDaemonSet(ns, 'agent', { name: 'agent', image: IMAGE, relax: { hostPaths: [{ path: '/var/log', mountPath: '/host/var/log' }] } });
    let message = '';
    try {
      synthApp(a);
    } catch (e) {
      message = (e as Error).message;
    }
    const fix = check === 'restrictedVolumes'
      ? 'use a configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret volume instead (a persistentVolumeClaim can bind a PersistentVolume of that type); or run the pod in a namespace whose Pod Security level is "privileged"'
      : 'use an emptyDir, configMap, secret or persistentVolumeClaim volume instead; or run the pod in a namespace whose Pod Security level is "privileged"';
    expect(message.split('\n').slice(1)).toEqual([
      `  [test/ops/agent] Pod Security "${level}" (v1.35) check ${check} fails: volume "host-var-log" ${what} (field spec.volumes[host-var-log].hostPath, set by \`relax.hostPaths\`). Fix: ${fix} (the app lands in namespace "ops").`,
    ]);
  });

  test('host paths are refused on kinds that are not node agents, and bad or dangerous ones on a DaemonSet', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => new SecureApp(c, 'web', { image: IMAGE, relax: { hostPaths: [{ path: '/var/log', mountPath: '/logs' }] } })).toThrow(
      "[c/web] relax.hostPaths mounts host directories, which only a node agent should read (a SecureApp's pods move between nodes). Fix: use a SecureDaemonSet, or read what you need through the Kubernetes API or a volume.");
    expect(() => new SecureDaemonSet(c, 'agent', {
      image: IMAGE, writableDirs: [{ path: '/buffer' }],
      relax: { hostPaths: [{ path: 'var/log', mountPath: '/buffer' }, { path: '/run/containerd', mountPath: '/host/../etc' }, { path: '/var/log/', mountPath: '/b' }] },
    })).toThrow([
      '[c/agent] 4 problems:',
      '  - relax.hostPaths[0].path "var/log" is not an absolute path without "..". Fix: e.g. /var/log.',
      '  - relax.hostPaths[0].mountPath /buffer is mounted twice. Fix: give each host path its own mountPath.',
      '  - relax.hostPaths[1].mountPath "/host/../etc" is not an absolute path without "..". Fix: e.g. /host/var/log.',
      '  - relax.hostPaths[1].path /run/containerd exposes the container runtime socket /run/containerd/containerd.sock; connecting to a socket needs no write access, so even a read-only mount lets the pod start privileged containers and take over the node. Fix: mount a narrower path (e.g. /var/log/pods for logs), or read what you need through the Kubernetes API.',
    ].join('\n'));
    expect(() => new SecureDaemonSet(c, 'js', { image: IMAGE, relax: { hostPaths: '/var/log' as any } })).toThrow('[c/js] relax.hostPaths must be a list, got "/var/log". Fix: pass an array.');
  });

  test('addService may take the agent\'s own name: a DaemonSet has no Service of its own to clash with', () => {
    const { app: a, chart: c } = newChart({ namespace: 'ops' });
    const otel = new SecureDaemonSet(c, 'otel', { name: 'otel', image: IMAGE, port: 4317, portName: 'grpc-otlp' });
    otel.addService('otel');
    expect(one(synthApp(a), 'Service', 'otel').spec).toEqual({
      type: 'ClusterIP', selector: { 'app.kubernetes.io/instance': 'otel' }, ports: [{ name: 'grpc-otlp', port: 4317, targetPort: 'grpc-otlp', protocol: 'TCP' }],
    });
    const { chart: c2 } = newChart({ namespace: 'ops' });
    const app = new SecureApp(c2, 'web', { name: 'web', image: IMAGE, port: 8080 });
    expect(() => app.addService('web')).toThrow('[test/web] addService("web"): "web" is the workload\'s own Service. Fix: give the added Service another name, or set serviceName on the workload.');
  });

  test('bad maxUnavailable and nodes are refused; the quota counts one pod per node', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(() => new SecureDaemonSet(c, 'a', { image: IMAGE, maxUnavailable: 0, nodes: 0 })).toThrow(SecureConfigError);
    expect(() => new SecureDaemonSet(c, 'b', { image: IMAGE, maxUnavailable: 0 })).toThrow(
      '[c/b] maxUnavailable 0 must be a whole number >= 1 (0 would block every rollout). Fix: e.g. 1 (the default).');
    const { app: a, chart: c2 } = newChart();
    const ns = new IsolatedNamespace(c2, 'ops', { quota: { 'requests.cpu': '1' } });
    new SecureDaemonSet(ns, 'agent', { image: IMAGE, nodes: 12 });
    expect(() => synthApp(a)).toThrow(
      "[test/ops] ResourceQuota requests.cpu is 1 but the apps inside need 1200m (test/ops/agent: 12 pods (one per node × 12 nodes) × 100m). Fix: raise quota['requests.cpu']");
  });
});
