// The workload written with cdk8s-secure: used by the `ours` and `ours-single-pass` workers and by
// verify-floor. `lib` is passed in so callers control when (and from where) the library is loaded.
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  appImage, appName, APP_PORT, hasPrev, isMonitored, Layout, METRICS_PORT, namespaceOf, ONE_CHART_ID,
  ONE_CHART_NAMESPACE, QUOTA, GROUP,
} from './common';

type Lib = typeof import('../lib');
type Workload = InstanceType<Lib['SecureApp']>;

/** Defines N apps in `app` (layout A: one Chart; B: one Chart + IsolatedNamespace per 10 apps; C: one Chart per app). */
export function defineOurs(lib: Lib, app: App, layout: Layout, n: number): void {
  let scope: Construct = layout === 'A' ? new Chart(app, ONE_CHART_ID, { namespace: ONE_CHART_NAMESPACE }) : app;
  let prev: Workload | undefined;
  for (let i = 0; i < n; i++) {
    if (layout === 'B' && i % GROUP === 0) {
      const ns = namespaceOf(i);
      scope = new lib.IsolatedNamespace(new Chart(app, ns), 'Namespace', { name: ns, quota: QUOTA });
    }
    if (layout === 'C') scope = new Chart(app, appName(i), { namespace: ONE_CHART_NAMESPACE });
    const props = { name: appName(i), image: appImage(i), port: APP_PORT };
    const a: Workload = isMonitored(i)
      ? new lib.MonitoredService(scope, appName(i), { ...props, metrics: { port: METRICS_PORT } })
      : new lib.SecureApp(scope, appName(i), props);
    if (hasPrev(i)) a.allowFrom(prev!);
    prev = a;
  }
}
