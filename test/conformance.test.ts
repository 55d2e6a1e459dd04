import { App, Testing } from 'cdk8s';
import { buildPlatform } from '../examples/platform';
import { checkPodSecurity, Endpoint } from '../src';
import { podTemplateOf } from '../src/checks/pod-security';
import { installMatchers, stableSnapshot } from '../src/testing';
import { kitchenSink } from './support/kitchen-sink';
import { polarisFailures } from './support/polaris';
import { expectValidManifests } from './support/schema';
import { all } from './support/synth';

function examples(): any[] {
  const app = Testing.app();
  buildPlatform(app);
  return app.charts.flatMap((ch) => Testing.synth(ch));
}

describe.each([['examples', examples], ['kitchen sink', kitchenSink]])('%s', (_name, build) => {
  const out = build();

  test('every object validates against the Kubernetes 1.27 and 1.36 schemas, or its CRD schema', () => {
    expect(out.length).toBeGreaterThan(20);
    expectValidManifests(out);
  });

  test('every pod template passes Pod Security restricted at v1.27 and latest', () => {
    const templates = out.map(podTemplateOf).filter((t) => t !== undefined);
    expect(templates.length).toBeGreaterThan(2);
    for (const t of templates) {
      expect(checkPodSecurity(t!, 'restricted', 'v1.27')).toEqual([]);
      expect(checkPodSecurity(t!, 'restricted', 'latest')).toEqual([]);
    }
  });

  test('kube-score and kube-linter expectations: UID/GID >= 10000, PDB eviction policy, ServiceAccount beside each Deployment', () => {
    expect(all(out, 'Deployment').length).toBeGreaterThan(2);
    expect(all(out, 'PodDisruptionBudget').length).toBeGreaterThan(2);
    for (const d of all(out, 'Deployment')) {
      const sc = d.spec.template.spec.securityContext;
      expect(sc.runAsUser).toBeGreaterThanOrEqual(10000);
      expect(sc.runAsGroup).toBeGreaterThanOrEqual(10000);
      const sa = d.spec.template.spec.serviceAccountName;
      expect(out.some((m) => m.kind === 'ServiceAccount' && m.metadata.name === sa && m.metadata.namespace === d.metadata.namespace)).toBe(true);
    }
    for (const pdb of all(out, 'PodDisruptionBudget')) expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  test('Polaris: every finding is one of the documented, deliberate ones', () => {
    const findings = polarisFailures(out);
    const explained = (f: { check: string; object: string }): boolean => {
      const [kind, name] = f.object.split('/');
      const obj = out.find((m) => m.kind === kind && m.metadata.name === name);
      switch (f.check) {
        // No PriorityClass exists in a stock cluster to default to; set priorityClassName.
        case 'priorityClassNotSet': return kind === 'Deployment' && !obj.spec.template.spec.priorityClassName;
        // With an HPA the Deployment must not carry replicas (every apply would reset the scale).
        case 'deploymentMissingReplicas': return out.some((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === name && m.spec.minReplicas >= 2);
        // A worker has no port to probe generically; users give it Probe.exec(...).
        case 'readinessProbeMissing':
          return kind === 'Deployment' && !obj.spec.template.spec.containers[0].ports;
        // No default liveness probe (README "Probes"): the only generic one would repeat readiness.
        case 'livenessProbeMissing':
          return kind === 'Deployment' && obj.spec.template.spec.containers[0].livenessProbe === undefined;
        // An app nobody may call has, correctly, no ingress rule.
        case 'missingNetworkPolicy': return out.some((m) => m.kind === 'NetworkPolicy' && m.metadata.name === name && m.spec.ingress.length === 0);
        // IsolatedNamespace binds teams to the built-in admin/edit/view roles on purpose; admin
        // and edit allow pods/exec, and offline the built-in ClusterRoles are not in the manifests.
        case 'rolebindingClusterAdminClusterRole':
        case 'rolebindingClusterAdminRole':
        case 'rolebindingClusterRolePodExecAttach':
          return kind === 'RoleBinding' && obj.roleRef.kind === 'ClusterRole' && ['admin', 'edit', 'view'].includes(obj.roleRef.name);
        default: return false;
      }
    };
    expect(findings.filter((f) => !explained(f))).toEqual([]);
    // and the hardening checks, the point of the library, never fire
    const hardening = ['runAsRootAllowed', 'runAsPrivileged', 'privilegeEscalationAllowed', 'dangerousCapabilities', 'insecureCapabilities',
      'notReadOnlyRootFilesystem', 'hostNetworkSet', 'hostPIDSet', 'hostIPCSet', 'linuxHardening', 'automountServiceAccountToken',
      'pullPolicyNotAlways', 'tagNotSpecified', 'cpuLimitsMissing', 'memoryLimitsMissing', 'cpuRequestsMissing', 'memoryRequestsMissing',
      'readinessProbeMissing', 'missingPodDisruptionBudget', 'topologySpreadConstraint', 'sensitiveContainerEnvVar'];
    expect(findings.filter((f) => hardening.includes(f.check) && f.object.startsWith('Deployment/') && !f.object.includes('worker'))).toEqual([]);
  });
});

installMatchers();

describe('the example network, as the reachability engine sees it', () => {
  const manifests = examples();
  const web = Endpoint.workload('shop', 'web');
  const api = Endpoint.workload('shop', 'api');
  const ledger = Endpoint.workload('payments', 'ledger');
  const gateway = Endpoint.pods('istio-ingress', { istio: 'ingressgateway' });
  const prometheus = Endpoint.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' });

  test.each([
    ['gateway → web:8080', gateway, web, 8080, true],
    ['web → api:9000', web, api, 9000, true],
    ['api → ledger:7000', api, ledger, 7000, true],
    ['api → database 10.40.0.7:5432', api, Endpoint.ip('10.40.0.7'), 5432, true],
    ['prometheus → api:9090', prometheus, api, 9090, true],
    ['every app → kube-dns:53', ledger, Endpoint.kubeDns(), 53, true],
    ['web → istiod:15012', web, Endpoint.pods('istio-system', { app: 'istiod' }), 15012, true],
    ['web ↛ ledger:7000', web, ledger, 7000, false],
    ['web ↛ api:9090 (metrics are for Prometheus)', web, api, 9090, false],
    ['prometheus ↛ api:9000', prometheus, api, 9000, false],
    ['api ↛ the internet', api, Endpoint.ip('8.8.8.8'), 443, false],
    ['api ↛ cloud metadata', api, Endpoint.ip('169.254.169.254'), 80, false],
    ['ledger ↛ api:9000', ledger, api, 9000, false],
    ['gateway ↛ api:9000', gateway, api, 9000, false],
  ])('%s', (_n, from, to, port, allowed) => {
    if (allowed) expect(manifests).toAllowTraffic(from as Endpoint, to as Endpoint, { port: port as number });
    else expect(manifests).not.toAllowTraffic(from as Endpoint, to as Endpoint, { port: port as number });
  });

  test('the whole example output, for review (sorted, hashes normalised)', () => {
    expect(stableSnapshot(manifests)).toMatchSnapshot();
  });

  test('and every example pod passes Pod Security restricted', () => {
    expect(manifests).toPassPodSecurity('restricted', 'v1.27');
    expect(manifests).toPassPodSecurity('restricted');
  });
});

test('the examples synthesize with the cdk8s App the CLI runs', () => {
  const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'cdk8s-secure-')) });
  buildPlatform(app);
  expect(() => app.synth()).not.toThrow();
});
