// The workload as bare cdk8s ApiObjects under a plain App, with no library at all: the least
// construct state any cdk8s construct library can hold for these documents. Each object keeps
// its apiVersion, kind and metadata; every other top-level field is produced when cdk8s
// serializes it, from the floor's builder (manifests.ts), regenerated once per app and dropped
// after its last field is read. Used by the `cdk8s-bare` worker and checked by verify-floor.
import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { appName, GROUP, Layout, namespaceOf, ONE_CHART_ID, ONE_CHART_NAMESPACE, Workload } from './common';
import { namespaceObjects, unitObjects } from './manifests';

/** One construct (as an app would be) holding one ApiObject per document `generate` returns. */
function defineGroup(scope: Construct, id: string, generate: () => any[]): void {
  const group = new Construct(scope, id);
  let docs: any[] | undefined;
  let unread = 0;
  generate().forEach((doc, j) => {
    const { apiVersion, kind, metadata, ...rest } = doc;
    const props: any = { apiVersion, kind, metadata };
    for (const key of Object.keys(rest)) {
      unread++;
      props[key] = Lazy.any({
        produce: () => {
          docs ??= generate();
          const value = docs[j][key];
          if (--unread === 0) docs = undefined;
          return value;
        },
      });
    }
    new ApiObject(group, `${j}`, props);
  });
}

/** Defines N units in `app` (layout A: one Chart; B: one Chart per 10 units with its namespace objects; C: one Chart per unit). */
export function defineBare(app: App, layout: Layout, n: number, workload: Workload = 'app'): void {
  if (layout === 'C') {
    for (let i = 0; i < n; i++) {
      defineGroup(new Chart(app, appName(i), { namespace: ONE_CHART_NAMESPACE }), appName(i), () => unitObjects(workload, i, n, ONE_CHART_NAMESPACE));
    }
    return;
  }
  if (layout === 'A') {
    const chart = new Chart(app, ONE_CHART_ID, { namespace: ONE_CHART_NAMESPACE });
    for (let i = 0; i < n; i++) defineGroup(chart, appName(i), () => unitObjects(workload, i, n, ONE_CHART_NAMESPACE));
    return;
  }
  for (let start = 0; start < n; start += GROUP) {
    const ns = namespaceOf(start);
    const chart = new Chart(app, ns);
    defineGroup(chart, 'Namespace', () => namespaceObjects(ns));
    for (let i = start; i < Math.min(start + GROUP, n); i++) defineGroup(chart, appName(i), () => unitObjects(workload, i, n, ns));
  }
}
