import { App, Chart, ChartProps, Testing } from 'cdk8s';

/** A fresh app and chart, as a user's `main.ts` would make them. */
export function newChart(props: ChartProps = {}): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', props);
  return { app, chart };
}

/** Every manifest of every chart of the app, after cdk8s' own validation. */
export function synthApp(app: App): any[] {
  return app.charts.flatMap((c) => Testing.synth(c));
}

/** The one manifest of `kind` (and `name`, when given); fails when there is not exactly one. */
export function one(manifests: any[], kind: string, name?: string): any {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: ${manifests.map((m) => `${m.kind}/${m.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

export function all(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The egress rule every isolated pod gets: DNS to kube-dns only, UDP and TCP. */
export const DNS_RULE = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};
