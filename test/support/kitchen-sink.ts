import { App, Chart, Testing } from 'cdk8s';
import { ClusterSettings, EnvValue, IsolatedNamespace, Mesh, MonitoredService, MountedFiles, Peer, Probe, RbacSubject, SecureApp } from '../../src';

const IMAGE = 'ghcr.io/acme/app:1.0.0@sha256:0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7';

/**
 * Every construct with its defaults and most options, in one app, not yet synthesized (judged by
 * test/conformance.test.ts and test/judges.test.ts; its bytes pinned by test/golden.test.ts).
 */
export function kitchenSinkApp(): App {
  const app = Testing.app();
  ClusterSettings.apply(app, { requireDigest: true });
  const plain = new Chart(app, 'plain', { namespace: 'plain' });
  const worker = new SecureApp(plain, 'worker', { image: IMAGE });
  const web = new SecureApp(plain, 'web', {
    image: IMAGE, port: 8080, replicas: 3,
    env: { MODE: EnvValue.fromValue('prod'), KEY: EnvValue.fromSecret('keys', 'api') },
    files: [MountedFiles.fromConfigMap('web-config', '/etc/web'), MountedFiles.fromSecret('web-tls', '/etc/tls')],
    readiness: Probe.httpGet('/healthz'), liveness: Probe.grpc(),
    tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
    nodeAffinity: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
    runtimeClassName: 'gvisor', hostUsers: false, priorityClassName: 'high',
  });
  worker.allowTo(web);
  web.allowFrom(Peer.namespace('ingress'));
  const teams = new Chart(app, 'teams');
  const a = new IsolatedNamespace(teams, 'team-a', { admins: [RbacSubject.group('a')], allowIntraNamespace: true });
  const b = new IsolatedNamespace(teams, 'team-b', { mesh: Mesh.sidecar({ istioCni: true, scrapeProxyMetrics: true }), allowIntraNamespace: true });
  const c = new IsolatedNamespace(teams, 'team-c', { mesh: Mesh.ambient() });
  const x = new SecureApp(a, 'x', { image: IMAGE, port: 80, autoscaling: { maxReplicas: 4 } });
  const y = new MonitoredService(b, 'y', { image: IMAGE, port: 80, metrics: { port: 9090 }, dashboard: true, prometheusDiscoveryRbac: true });
  const z = new SecureApp(c, 'z', { image: IMAGE, port: 7000 });
  const w = new MonitoredService(a, 'w', { image: IMAGE, port: 80, metrics: { port: 9090, usePodMonitor: true } });
  y.allowFrom(b);
  z.allowFrom(y);
  x.allowTo(w);
  return app;
}

/** The kitchen sink's manifests, every chart in order. */
export function kitchenSink(): any[] {
  return kitchenSinkApp().charts.flatMap((ch) => Testing.synth(ch));
}
