// The workload written with cdk8s-secure: used by the `ours` and `ours-single-pass` workers and by
// verify-floor. `lib` is passed in so callers control when (and from where) the library is loaded.
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  appImage, appName, APP_PORT, GATEWAY, hasPrev, hostOf, isMonitored, JOB_DB_CIDR, JOB_DB_PORT, Layout, METRICS_PORT,
  namespaceOf, ONE_CHART_ID, ONE_CHART_NAMESPACE, QUOTA, GROUP, Workload,
} from './common';

type Lib = typeof import('../lib');
type Unit = InstanceType<Lib['SecureApp'] | Lib['SecureStatefulSet'] | Lib['SecureDaemonSet'] | Lib['SecureJob'] | Lib['SecureCronJob']>;

/** Unit i of `workload` in `scope`; returns what the next unit connects from (long-running kinds). */
function defineUnit(lib: Lib, scope: Construct, workload: Workload, i: number, gateway: () => ReturnType<Lib['Gateway']['fromAttributes']>): Unit {
  const name = appName(i);
  const props = { name, image: appImage(i), port: APP_PORT };
  switch (workload) {
    case 'app':
      return isMonitored(i)
        ? new lib.MonitoredService(scope, name, { ...props, metrics: { port: METRICS_PORT } })
        : new lib.SecureApp(scope, name, props);
    case 'statefulset':
      return new lib.SecureStatefulSet(scope, name, { ...props, replicas: 3, persistentDirs: [{ path: '/var/lib/data', size: '1Gi' }] });
    case 'daemonset':
      return new lib.SecureDaemonSet(scope, name, props);
    case 'job': {
      const job = new lib.SecureJob(scope, name, { name, image: appImage(i), activeDeadlineSeconds: 600 });
      job.allowTo(lib.Peer.ipBlock(JOB_DB_CIDR), { port: JOB_DB_PORT });
      return job;
    }
    case 'cronjob': {
      const job = new lib.SecureCronJob(scope, name, { name, image: appImage(i), schedule: `${i % 60} * * * *`, activeDeadlineSeconds: 600 });
      job.allowTo(lib.Peer.ipBlock(JOB_DB_CIDR), { port: JOB_DB_PORT });
      return job;
    }
    case 'gateway': {
      const a = new lib.SecureApp(scope, name, props);
      a.exposeVia(gateway(), { hostnames: [hostOf(i)] });
      return a;
    }
    case 'host': {
      const a = new lib.SecureApp(scope, name, props);
      a.allowToHost(hostOf(i), { port: 443 });
      return a;
    }
  }
}

/**
 * Defines N units of `workload` in `app` (layout A: one Chart; B: one Chart + IsolatedNamespace
 * per 10 units; C: one Chart per unit).
 */
export function defineOurs(lib: Lib, app: App, layout: Layout, n: number, workload: Workload = 'app'): void {
  if (workload === 'host') lib.ClusterSettings.apply(app, { cni: lib.Cni.CILIUM });
  let gw: ReturnType<Lib['Gateway']['fromAttributes']> | undefined;
  const gateway = () => gw ??= lib.Gateway.fromAttributes({
    ...GATEWAY, listeners: [{ name: 'https', protocol: lib.ListenerProtocol.HTTPS, hostname: '*.example.com' }],
  });
  let scope: Construct = layout === 'A' ? new Chart(app, ONE_CHART_ID, { namespace: ONE_CHART_NAMESPACE }) : app;
  let prev: Unit | undefined;
  const chained = workload !== 'job' && workload !== 'cronjob';
  for (let i = 0; i < n; i++) {
    if (layout === 'B' && i % GROUP === 0) {
      const ns = namespaceOf(i);
      scope = new lib.IsolatedNamespace(new Chart(app, ns), 'Namespace', { name: ns, quota: QUOTA });
    }
    if (layout === 'C') scope = new Chart(app, appName(i), { namespace: ONE_CHART_NAMESPACE });
    const unit = defineUnit(lib, scope, workload, i, gateway);
    if (chained && hasPrev(i)) unit.allowFrom(prev!);
    prev = unit;
  }
}
