import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from './support/build';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { IsolatedNamespace, Mesh, SecureApp } from '../src';
import { OBJECT_PATHS_FILE, objectPathsOf } from '../src/checks/object-paths';
import { SecureValidation } from '../src/checks/plugin';
import {
  Finding, RuleResult, checkImageTagRule, checkRule, checkNetworkIsolationRule, checkPdbRule, checkPodSecurityRule,
  checkServiceMonitorPortRule, runRules, unpinnedImageProblem,
} from '../src/checks/rules';
import { checkImage } from '../src/core/validate';

// The CLI's package exports only `cdk8s-cli/plugins`; the types live under lib/ (TypeScript's
// node10 resolution does not read `exports`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as typeof import('cdk8s-cli/lib/plugins/validation');

// ---------------------------------------------------------------------------------------------
// Manifest builders: plain objects, as parsed from YAML.

const ROOT = path.resolve(__dirname, '..');
const IMAGE = 'ghcr.io/acme/app:1.0.0';

/** A pod spec that passes Pod Security restricted at every version. */
function safePodSpec(extra: { container?: any; pod?: any } = {}): any {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    ...extra.pod,
    containers: [{
      name: 'app',
      image: IMAGE,
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      ...extra.container,
    }],
  };
}

function deployment(name: string, opts: { ns?: string; labels?: Record<string, string>; replicas?: number; spec?: any; kind?: string; apiVersion?: string } = {}): any {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: opts.apiVersion ?? 'apps/v1',
    kind: opts.kind ?? 'Deployment',
    metadata: { name, ...(opts.ns ? { namespace: opts.ns } : {}) },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: opts.spec ?? safePodSpec() },
    },
  };
}

function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function psaNamespace(name: string, level: string, version?: string): any {
  return namespace(name, {
    'pod-security.kubernetes.io/enforce': level,
    ...(version ? { 'pod-security.kubernetes.io/enforce-version': version } : {}),
  });
}

function networkPolicy(name: string, spec: any, ns?: string): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec };
}

const defaultDeny = (ns?: string) => networkPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, ns);

function pdbFor(name: string, selector: any, opts: { ns?: string; apiVersion?: string } = {}): any {
  return {
    apiVersion: opts.apiVersion ?? 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, ...(opts.ns ? { namespace: opts.ns } : {}) },
    spec: { maxUnavailable: 1, ...(selector !== undefined ? { selector } : {}) },
  };
}

function service(name: string, labels: Record<string, string>, ports: Array<{ name?: string; port: number }>, ns?: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels, ...(ns ? { namespace: ns } : {}) },
    spec: { selector: labels, ports },
  };
}

function serviceMonitor(name: string, spec: any, ns?: string): any {
  return { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec };
}

function podMonitor(name: string, spec: any, ns?: string): any {
  return { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec };
}

function summary(r: RuleResult): { checked: number; failed: number } {
  return { checked: r.checked, failed: r.failed };
}

function fields(r: RuleResult): Array<string | undefined> {
  return r.findings.map((f) => f.field);
}

// ---------------------------------------------------------------------------------------------

describe('pod-security', () => {
  const privileged = deployment('priv', { spec: safePodSpec({ container: { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: true } } }) });
  // Passes baseline, fails restricted (no runAsNonRoot, no seccomp, no dropped capabilities).
  const baselineOnly = deployment('base', { spec: { containers: [{ name: 'app', image: IMAGE }] } });

  test('a restricted-compliant pod passes the default level', () => {
    const r = checkPodSecurityRule([deployment('web')]);
    expect(summary(r)).toEqual({ checked: 1, failed: 0 });
    expect(r.findings).toEqual([]);
  });

  test('a privileged container fails, with the field inside the manifest and the fix', () => {
    const r = checkPodSecurityRule([privileged]);
    expect(summary(r)).toEqual({ checked: 1, failed: 1 });
    expect(r.findings).toEqual([expect.objectContaining({
      rule: 'pod-security',
      subject: 'Deployment default/priv',
      field: 'spec.template.spec.containers[app].securityContext.privileged',
      message: expect.stringMatching(/sets privileged: true: fails Pod Security restricted check privileged \(namespace "default" is not among the manifests/),
      fix: expect.stringContaining('set it to false'),
    })]);
    expect(r.findings[0].resources).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'priv', index: 0 }]);
  });

  test('the level comes from the Namespace enforce label when the Namespace is among the manifests', () => {
    const inPrivileged = { ...privileged, metadata: { name: 'priv', namespace: 'ops' } };
    expect(checkPodSecurityRule([psaNamespace('ops', 'privileged'), inPrivileged]).findings).toEqual([]);
    const inBaseline = { ...privileged, metadata: { name: 'priv', namespace: 'ops' } };
    const r = checkPodSecurityRule([psaNamespace('ops', 'baseline'), inBaseline]);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringContaining('fails Pod Security baseline check privileged (label pod-security.kubernetes.io/enforce=baseline of Namespace "ops"')]);
  });

  test('a baseline namespace admits what restricted rejects; the default applies elsewhere', () => {
    const inBaseline = { ...baselineOnly, metadata: { name: 'base', namespace: 'team' } };
    expect(checkPodSecurityRule([psaNamespace('team', 'baseline'), inBaseline]).findings).toEqual([]);
    const elsewhere = checkPodSecurityRule([psaNamespace('team', 'baseline'), baselineOnly]);
    expect(new Set(elsewhere.findings.map((f) => f.message.match(/check (\w+)/)![1]))).toEqual(
      new Set(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']),
    );
  });

  test('defaultLevel and defaultVersion set the level of namespaces without an enforce label', () => {
    expect(checkPodSecurityRule([baselineOnly], { defaultLevel: 'baseline' }).findings).toEqual([]);
    // A Namespace without the label also gets the default.
    const unlabelled = [namespace('team'), { ...baselineOnly, metadata: { name: 'base', namespace: 'team' } }];
    expect(checkPodSecurityRule(unlabelled, { defaultLevel: 'baseline' }).findings).toEqual([]);
    expect(checkPodSecurityRule(unlabelled).failed).toBe(1);
  });

  test('the enforce-version label selects the policy version, as admission does', () => {
    // Host-targeting probes are a baseline violation from policy v1.34 on.
    const hostProbe = (ns: string) => ({
      ...deployment('probe', { ns, spec: safePodSpec({ container: { livenessProbe: { httpGet: { host: '10.0.0.1', port: 8080 } } } }) }),
    });
    expect(checkPodSecurityRule([psaNamespace('old', 'baseline', 'v1.33'), hostProbe('old')]).findings).toEqual([]);
    const r = checkPodSecurityRule([psaNamespace('new', 'baseline', 'v1.34'), hostProbe('new')]);
    expect(fields(r)).toEqual(['spec.template.spec.containers[app].livenessProbe.httpGet.host']);
    // No version label: the configured default version.
    expect(checkPodSecurityRule([psaNamespace('x', 'baseline'), hostProbe('x')], { defaultVersion: 'v1.33' }).findings).toEqual([]);
    expect(checkPodSecurityRule([psaNamespace('x', 'baseline'), hostProbe('x')]).failed).toBe(1);
  });

  test('invalid namespace labels are findings and evaluate as restricted / latest, like upstream', () => {
    const ns = namespace('odd', { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/enforce-version': '1.30' });
    const r = checkPodSecurityRule([ns, { ...baselineOnly, metadata: { name: 'base', namespace: 'odd' } }], { defaultLevel: 'privileged' });
    expect(r.findings.filter((f) => f.subject === 'Namespace odd').map((f) => f.field)).toEqual([
      'metadata.labels["pod-security.kubernetes.io/enforce"]',
      'metadata.labels["pod-security.kubernetes.io/enforce-version"]',
    ]);
    expect(r.findings.some((f) => f.subject === 'Deployment odd/base' && /restricted check runAsNonRoot/.test(f.message))).toBe(true);
  });

  test('CronJob and bare Pod fields point into their own shapes', () => {
    const priv = safePodSpec({ pod: { hostPID: true } });
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: priv } } } } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: priv };
    expect(fields(checkPodSecurityRule([cron, pod]))).toEqual(['spec.jobTemplate.spec.template.spec.hostPID', 'spec.hostPID']);
  });

  test('CRDs reusing a workload kind name are not judged', () => {
    const volcano = { ...privileged, apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job' };
    expect(summary(checkPodSecurityRule([volcano]))).toEqual({ checked: 0, failed: 0 });
  });
});

describe('network-isolation', () => {
  test('a workload without policies is open both ways and its namespace has no default deny', () => {
    const r = checkNetworkIsolationRule([deployment('web')]);
    expect(summary(r)).toEqual({ checked: 2, failed: 2 });
    expect(r.findings.map((f) => [f.subject, f.message])).toEqual([
      ['Deployment default/web', expect.stringContaining('for Ingress or Egress, so all ingress and egress traffic is allowed')],
      ['namespace default', expect.stringContaining('no default-deny NetworkPolicy')],
    ]);
    // The namespace is not among the manifests, so the finding points at its workloads.
    expect(r.findings[1].resources.map((x) => x.name)).toEqual(['web']);
  });

  test('a default-deny policy isolates every workload and satisfies the namespace check', () => {
    const r = checkNetworkIsolationRule([deployment('web'), deployment('db'), defaultDeny()]);
    expect(summary(r)).toEqual({ checked: 3, failed: 0 });
  });

  test('isolation in one direction only names the open direction', () => {
    const r = checkNetworkIsolationRule([deployment('web'), networkPolicy('deny-in', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(r.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('for Egress, so all egress traffic is allowed'),
      expect.stringContaining('no default-deny NetworkPolicy'),
    ]);
  });

  test('per-workload policies isolate the workload but are not a namespace default deny', () => {
    const own = networkPolicy('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] });
    const r = checkNetworkIsolationRule([deployment('web'), own]);
    expect(r.findings.map((f) => f.subject)).toEqual(['namespace default']);
  });

  test('policyTypes defaulting: egress rules without policyTypes isolate egress too', () => {
    const implicit = networkPolicy('implicit', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
    const r = checkNetworkIsolationRule([deployment('web'), implicit]);
    expect(r.findings.map((f) => f.subject)).toEqual([]);
    // Without egress rules only Ingress is defaulted.
    const ingressOnly = networkPolicy('implicit', { podSelector: {} });
    expect(checkNetworkIsolationRule([deployment('web'), ingressOnly]).findings[0].message).toContain('for Egress');
  });

  test('a "default deny" with an allow-everything rule does not count; one with DNS egress does', () => {
    const fake = networkPolicy('fake', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}] });
    expect(checkNetworkIsolationRule([deployment('web'), fake]).findings.map((f) => f.subject)).toEqual(['namespace default']);
    const withDns = networkPolicy('deny-but-dns', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    expect(checkNetworkIsolationRule([deployment('web'), withDns]).findings).toEqual([]);
  });

  test('each namespace with workloads needs its own default deny; a present Namespace is the resource', () => {
    const r = checkNetworkIsolationRule([namespace('a'), deployment('web', { ns: 'a' }), deployment('db', { ns: 'b' }), defaultDeny('b')]);
    expect(r.findings.map((f) => f.subject)).toEqual(['Deployment a/web', 'namespace a']);
    expect(r.findings[1].resources).toEqual([{ apiVersion: 'v1', kind: 'Namespace', namespace: undefined, name: 'a', index: 0 }]);
  });

  test('a CRD reusing a workload kind name is not a workload, nor an ambiguity with the built-in one', () => {
    const job = (apiVersion: string) => deployment('x', { ns: 'shop', kind: 'Job', apiVersion });
    const r = checkNetworkIsolationRule([defaultDeny('shop'), job('batch/v1'), job('batch.volcano.sh/v1alpha1')]);
    expect(r.findings).toEqual([]);
    expect(summary(r)).toEqual({ checked: 2, failed: 0 });
    // Alone, the Volcano Job gives the namespace no workloads to judge.
    expect(summary(checkNetworkIsolationRule([job('batch.volcano.sh/v1alpha1')]))).toEqual({ checked: 0, failed: 0 });
  });

  test('default deny is judged as the NetworkModel reads the policy, malformed parts matching nothing', () => {
    const deny = (spec: any) => networkPolicy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ...spec });
    const subjects = (policy: any) => checkNetworkIsolationRule([deployment('web'), policy]).findings.map((f) => f.subject);
    // `from: "oops"` is not a list: the model lets nothing in through it, so the policy still denies.
    expect(subjects(deny({ ingress: [{ from: 'oops' }] }))).toEqual([]);
    // `matchLabels: "app"` selects nothing, so this is no namespace-wide policy (and web is open).
    expect(subjects(deny({ podSelector: { matchLabels: 'app' } }))).toEqual(['Deployment default/web', 'namespace default']);
  });

  test('hostNetwork pods cannot be isolated by NetworkPolicy', () => {
    const r = checkNetworkIsolationRule([deployment('agent', { spec: safePodSpec({ pod: { hostNetwork: true } }) }), defaultDeny()]);
    expect(r.findings.map((f) => f.field)).toEqual(['spec.template.spec.hostNetwork']);
  });
});

describe('service-monitor-port', () => {
  const svc = service('api', { app: 'api' }, [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }]);

  test('an endpoint naming a port of the selected Service passes', () => {
    const sm = serviceMonitor('api', { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'metrics' }] });
    expect(summary(checkServiceMonitorPortRule([svc, sm]))).toEqual({ checked: 1, failed: 0 });
  });

  test('an endpoint naming a port the Service does not have fails, listing the ports it has', () => {
    const sm = serviceMonitor('api', { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'metrics' }, { port: 'prom' }] });
    const r = checkServiceMonitorPortRule([svc, sm]);
    expect(r.findings).toEqual([expect.objectContaining({
      subject: 'ServiceMonitor default/api',
      field: 'spec.endpoints[1].port',
      message: expect.stringContaining('Service default/api: http, metrics'),
      fix: 'set port to one of "http", "metrics", or name the Service port "prom"',
    })]);
  });

  test('a selector that selects no Service fails', () => {
    const sm = serviceMonitor('api', { selector: { matchLabels: { app: 'apii' } }, endpoints: [{ port: 'metrics' }] });
    expect(checkServiceMonitorPortRule([svc, sm]).findings.map((f) => f.message)).toEqual([expect.stringContaining('selects no Service')]);
  });

  test('without namespaceSelector only its own namespace counts; matchNames and any widen it', () => {
    const remote = service('api', { app: 'api' }, [{ name: 'metrics', port: 9090 }], 'shop');
    const spec = { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'metrics' }] };
    expect(checkServiceMonitorPortRule([remote, serviceMonitor('m', spec, 'monitoring')]).failed).toBe(1);
    expect(checkServiceMonitorPortRule([remote, serviceMonitor('m', { ...spec, namespaceSelector: { matchNames: ['shop'] } }, 'monitoring')]).failed).toBe(0);
    expect(checkServiceMonitorPortRule([remote, serviceMonitor('m', { ...spec, namespaceSelector: { matchNames: ['other'] } }, 'monitoring')]).failed).toBe(1);
    expect(checkServiceMonitorPortRule([remote, serviceMonitor('m', { ...spec, namespaceSelector: { any: true } }, 'monitoring')]).failed).toBe(0);
  });

  test('a malformed selector is a finding on the monitor, not "selects no Service"', () => {
    const sm = serviceMonitor('api', { selector: { matchLabels: 'app=api' }, endpoints: [{ port: 'metrics' }] });
    const r = checkServiceMonitorPortRule([svc, sm]);
    expect(summary(r)).toEqual({ checked: 1, failed: 1 });
    expect(r.findings).toEqual([expect.objectContaining({
      subject: 'ServiceMonitor default/api',
      field: 'spec.selector',
      message: 'ServiceMonitor default/api spec.selector.matchLabels is not a map; the selector selects nothing.',
      fix: expect.stringContaining('write spec.selector as a label selector: matchLabels'),
    })]);
    const pm = podMonitor('api', { selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['api'] }] }, podMetricsEndpoints: [{ port: 'metrics' }] });
    expect(checkServiceMonitorPortRule([pm]).findings.map((f) => f.message)).toEqual([expect.stringContaining('PodMonitor default/api spec.selector.matchExpressions[0] has operator "Equals"')]);
  });

  test('matchExpressions are honoured', () => {
    const sm = serviceMonitor('api', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }, endpoints: [{ port: 'metrics' }] });
    expect(checkServiceMonitorPortRule([svc, sm]).failed).toBe(0);
  });

  test('PodMonitor ports are container port names of the selected pods', () => {
    const pods = deployment('api', { spec: safePodSpec({ container: { ports: [{ name: 'metrics', containerPort: 9090 }] } }) });
    const ok = podMonitor('api', { selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
    const bad = podMonitor('api', { selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'http-metrics' }] });
    expect(checkServiceMonitorPortRule([pods, ok]).findings).toEqual([]);
    const r = checkServiceMonitorPortRule([pods, bad]);
    expect(r.findings.map((f) => [f.field, f.fix])).toEqual([
      ['spec.podMetricsEndpoints[0].port', 'set port to one of "metrics", or name the container port "http-metrics"'],
    ]);
    // Ports of a plain init container are gone once it exits; a native sidecar's keep serving.
    const withInit = (restartPolicy?: string) => {
      const spec = safePodSpec();
      spec.initContainers = [{ name: 'init', image: IMAGE, ...(restartPolicy ? { restartPolicy } : {}), ports: [{ name: 'http-metrics', containerPort: 9100 }] }];
      return deployment('api', { spec });
    };
    expect(checkServiceMonitorPortRule([withInit(), bad]).failed).toBe(1);
    expect(checkServiceMonitorPortRule([withInit('Always'), bad]).failed).toBe(0);
    // A Service port of the same name does not satisfy a PodMonitor.
    expect(checkServiceMonitorPortRule([deployment('api'), service('api', { app: 'api' }, [{ name: 'metrics', port: 9090 }]), ok]).failed).toBe(1);
  });
});

describe('pdb', () => {
  test('a workload with 2+ replicas and no PodDisruptionBudget fails with a ready-made fix', () => {
    const r = checkPdbRule([deployment('web', { replicas: 3 })]);
    expect(summary(r)).toEqual({ checked: 1, failed: 1 });
    expect(r.findings[0].message).toMatch(/^runs 3 replicas but no PodDisruptionBudget in namespace "default" selects its pods/);
    expect(r.findings[0].fix).toBe('add a PodDisruptionBudget (policy/v1) in namespace "default" with selector.matchLabels {"app":"web"} and maxUnavailable: 1');
  });

  test('a PodDisruptionBudget selecting its pods satisfies it; one in another namespace does not', () => {
    expect(checkPdbRule([deployment('web', { replicas: 3 }), pdbFor('web', { matchLabels: { app: 'web' } })]).failed).toBe(0);
    expect(checkPdbRule([deployment('web', { replicas: 3 }), pdbFor('web', { matchLabels: { app: 'web' } }, { ns: 'other' })]).failed).toBe(1);
    expect(checkPdbRule([deployment('web', { replicas: 3 }), pdbFor('web', { matchLabels: { app: 'db' } })]).failed).toBe(1);
  });

  test('single replicas (explicit or defaulted) are not judged', () => {
    expect(summary(checkPdbRule([deployment('a', { replicas: 1 }), deployment('b')]))).toEqual({ checked: 0, failed: 0 });
  });

  test('an HPA with minReplicas >= 2 makes a workload replicated', () => {
    const hpa = (min: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: min, maxReplicas: 5 },
    });
    const r = checkPdbRule([deployment('web'), hpa(2)]);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^is autoscaled with minReplicas 2 \(HorizontalPodAutoscaler default\/web\)/)]);
    expect(checkPdbRule([deployment('web'), hpa(1)]).checked).toBe(0);
  });

  test('selector semantics: policy/v1 {} selects every pod, v1beta1 {} and a missing selector select none', () => {
    const web = deployment('web', { replicas: 2 });
    expect(checkPdbRule([web, pdbFor('all', {})]).failed).toBe(0);
    expect(checkPdbRule([web, pdbFor('all', {}, { apiVersion: 'policy/v1beta1' })]).failed).toBe(1);
    expect(checkPdbRule([web, pdbFor('none', undefined)]).failed).toBe(1);
  });

  test('a malformed selector is a finding on the PodDisruptionBudget, and the workload\'s finding points at it', () => {
    const r = checkPdbRule([deployment('web', { replicas: 2 }), pdbFor('web', { matchExpressions: { key: 'app' } })]);
    expect(summary(r)).toEqual({ checked: 2, failed: 2 });
    expect(r.findings.map((f) => [f.subject, f.field, f.message])).toEqual([
      ['PodDisruptionBudget default/web', 'spec.selector', 'PodDisruptionBudget default/web spec.selector.matchExpressions is not a list; the selector selects nothing.'],
      ['Deployment default/web', undefined, expect.stringContaining('(PodDisruptionBudget default/web has a malformed selector, which selects nothing)')],
    ]);
    expect(r.findings[0].fix).toContain('write spec.selector as a label selector');
  });

  test('StatefulSets count; DaemonSets do not', () => {
    const sts = deployment('db', { kind: 'StatefulSet', replicas: 3 });
    const ds = deployment('agent', { kind: 'DaemonSet' });
    expect(checkPdbRule([sts, ds]).findings.map((f) => f.subject)).toEqual(['StatefulSet default/db']);
  });
});

describe('image-tag', () => {
  const withImage = (image: string | undefined, name = 'w') => deployment(name, { spec: safePodSpec({ container: { image } }) });

  test.each([
    ['nginx', 'has no tag'],
    ['nginx:latest', 'uses the mutable tag ":latest"'],
    ['registry.local:5000/team/app', 'has no tag'],
    [undefined, 'image is missing'],
    // Only sha256 digests pin, as SecureApp requires: anything else is no digest at all.
    [`nginx@sha512:${'c'.repeat(128)}`, 'has a malformed digest'],
    [`nginx@sha256:${'D'.repeat(64)}`, 'has a malformed digest'],
    ['Nginx:1.27.0', 'breaks the image reference grammar: "Nginx" is not a valid path component'],
    ['api;2.0.0', 'breaks the image reference grammar: "api;2.0.0" is not a valid path component'],
  ])('%s fails: %s', (image, problem) => {
    const r = checkImageTagRule([withImage(image)]);
    expect(r.findings.map((f) => [f.field, f.message])).toEqual([['spec.template.spec.containers[app].image', expect.stringContaining(problem)]]);
  });

  test.each([
    'nginx:1.27.0',
    'registry.local:5000/team/app:2.1',
    `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`,
    // The digest pins the image whatever the tag says.
    `nginx:latest@sha256:${'b'.repeat(64)}`,
  ])('%s passes', (image) => {
    expect(checkImageTagRule([withImage(image)]).findings).toEqual([]);
  });

  test('the rule and SecureApp\'s checkImage accept exactly the same images', () => {
    const images = ['nginx', 'nginx:latest', 'nginx:1.27.0', `nginx@sha256:${'a'.repeat(64)}`, `nginx@sha256:${'a'.repeat(63)}`,
      `nginx@sha512:${'c'.repeat(128)}`, 'nginx@md5:abc', 'Nginx:1', 'nginx:-bad', 'nginx:1.0 ', ''];
    for (const image of images) {
      expect([image, unpinnedImageProblem(image) === undefined]).toEqual([image, checkImage('image', image) === undefined]);
    }
  });

  test('init containers are judged too, and the fix suggests a pinned form of the same repository', () => {
    const spec = safePodSpec();
    spec.initContainers = [{ name: 'migrate', image: 'ghcr.io/acme/migrate' }];
    const r = checkImageTagRule([deployment('w', { spec })]);
    expect(r.findings.map((f) => [f.field, f.fix])).toEqual([
      ['spec.template.spec.initContainers[migrate].image', 'pin a version tag or a digest, e.g. "ghcr.io/acme/migrate:1.2.3" or "ghcr.io/acme/migrate@sha256:<digest>"'],
    ]);
  });
});

const meshedNamespace = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }) => namespace(name, labels);

function istio(kind: string, name: string, ns: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind, metadata: { name, namespace: ns }, spec };
}

function messages(r: RuleResult): string[] {
  return r.findings.map((f) => `${f.subject} ${f.field ?? ''}: ${f.message}`);
}

describe('service-account-token', () => {
  const withToken = (pod: any) => deployment('web', { spec: { ...safePodSpec(), ...pod } });

  test('a token automounted by the pod spec fails, naming the field and the fix', () => {
    const r = checkRule('service-account-token', [withToken({ automountServiceAccountToken: true })]);
    expect(summary(r)).toEqual({ checked: 1, failed: 1 });
    expect(r.findings[0]).toMatchObject({
      subject: 'Deployment default/web',
      field: 'spec.template.spec.automountServiceAccountToken',
      message: 'its pods get a Kubernetes API token mounted (automountServiceAccountToken: true), which anyone who breaks into a container can use against the API server',
    });
    expect(r.findings[0].fix).toContain('set automountServiceAccountToken: false in the pod spec');
  });

  test('unset in the pod, the ServiceAccount decides; one not among the manifests mounts', () => {
    const unset = withToken({ automountServiceAccountToken: undefined, serviceAccountName: 'web' });
    const sa = (automount?: boolean) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) });
    expect(messages(checkRule('service-account-token', [unset]))).toEqual([
      'Deployment default/web spec.template.spec.automountServiceAccountToken: its pods leave automountServiceAccountToken unset and their ServiceAccount "web" is not among the manifests (Kubernetes\' own mounts tokens), so a Kubernetes API token is mounted into every container',
    ]);
    const open = checkRule('service-account-token', [unset, sa()]);
    expect(open.findings[0].message).toContain('their ServiceAccount default/web does not set it to false');
    expect(open.findings[0].resources.map((x) => x.kind)).toEqual(['Deployment', 'ServiceAccount']);
    expect(checkRule('service-account-token', [unset, sa(false)]).findings).toEqual([]);
    // The pod's own `true` wins over the ServiceAccount's `false`.
    expect(checkRule('service-account-token', [withToken({ automountServiceAccountToken: true, serviceAccountName: 'web' }), sa(false)]).failed).toBe(1);
  });

  test('a pod that turns it off passes', () => {
    expect(summary(checkRule('service-account-token', [deployment('web')]))).toEqual({ checked: 1, failed: 0 });
  });
});

describe('mesh-mtls', () => {
  const strict = (ns: string) => istio('PeerAuthentication', 'default', ns, { mtls: { mode: 'STRICT' } });

  test('PERMISSIVE in a meshed namespace fails; in a namespace outside the mesh it does not', () => {
    const r = checkRule('mesh-mtls', [meshedNamespace('shop'), istio('PeerAuthentication', 'default', 'shop', { mtls: { mode: 'PERMISSIVE' } }),
      namespace('legacy'), istio('PeerAuthentication', 'default', 'legacy', { mtls: { mode: 'PERMISSIVE' } })]);
    expect(messages(r)).toEqual([
      'PeerAuthentication shop/default spec.mtls.mode: mtls mode PERMISSIVE accepts plain text from any pod, although namespace "shop" is in the mesh (istio-injection=enabled)',
    ]);
    expect(summary(r)).toEqual({ checked: 2, failed: 1 });
  });

  test('DISABLE fails anywhere, at namespace or port level; a mesh-wide PERMISSIVE fails', () => {
    const r = checkRule('mesh-mtls', [
      istio('PeerAuthentication', 'off', 'legacy', { mtls: { mode: 'DISABLE' } }),
      istio('PeerAuthentication', 'port', 'legacy', { selector: { matchLabels: { app: 'x' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }),
      istio('PeerAuthentication', 'default', 'istio-system', { mtls: { mode: 'PERMISSIVE' } }),
    ]);
    expect(fields(r)).toEqual(['spec.mtls.mode', 'spec.portLevelMtls["8080"].mode', 'spec.mtls.mode']);
    expect(r.findings[2].message).toContain('it is in the mesh root namespace "istio-system" without a selector, so it applies to the whole mesh');
  });

  test('a port-level PERMISSIVE exception passes only on a port Prometheus scrapes on every selected pod', () => {
    const pods = (ports: any[]) => deployment('api', { ns: 'shop', labels: { app: 'api' }, spec: safePodSpec({ container: { ports } }) });
    const exception = istio('PeerAuthentication', 'api-metrics', 'shop', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } });
    const monitor = podMonitor('api', { selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics' }] }, 'shop');
    const ports = [{ name: 'http', containerPort: 9000 }, { name: 'metrics', containerPort: 9090 }];
    expect(checkRule('mesh-mtls', [meshedNamespace('shop'), strict('shop'), pods(ports), exception, monitor]).findings).toEqual([]);
    // The same exception on the app's own port, or with nothing scraping it, fails.
    const onApp = checkRule('mesh-mtls', [meshedNamespace('shop'), pods([{ name: 'http', containerPort: 9090 }]), exception, monitor]);
    expect(messages(onApp)).toEqual([
      'PeerAuthentication shop/api-metrics spec.portLevelMtls["9090"].mode: port 9090 has mtls mode PERMISSIVE, so it accepts plain text, although namespace "shop" is in the mesh (istio-injection=enabled) and the port is not a port Prometheus scrapes (a ServiceMonitor or PodMonitor endpoint) on every pod it selects (Deployment shop/api)',
    ]);
    expect(checkRule('mesh-mtls', [meshedNamespace('shop'), pods(ports), exception]).failed).toBe(1);
    // A UDP port with the metrics port's number is not a scrape port: the exception would open it too.
    const udp = [{ name: 'dns', containerPort: 9090, protocol: 'UDP' }, { name: 'metrics', containerPort: 9090 }];
    expect(checkRule('mesh-mtls', [meshedNamespace('shop'), pods(udp), exception, monitor]).failed).toBe(1);
  });

  test('STRICT everywhere passes', () => {
    expect(summary(checkRule('mesh-mtls', [meshedNamespace('shop'), strict('shop')]))).toEqual({ checked: 1, failed: 0 });
  });
});

describe('mesh-authorization', () => {
  test.each([
    ['an empty rule', [{}]],
    ['an empty source among others', [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }, { source: {} }] }]],
  ])('an ALLOW policy with %s admits everything', (_name, rules) => {
    const r = checkRule('mesh-authorization', [istio('AuthorizationPolicy', 'allow-all', 'shop', { rules })]);
    expect(messages(r)).toEqual(['AuthorizationPolicy shop/allow-all spec.rules[0]: ALLOW rule 0 has no source, operation or condition, so it admits every request from anyone to every workload of namespace "shop" (it has no selector)']);
  });

  test('rules naming callers or ports, DENY policies and allow-nothing policies pass', () => {
    const r = checkRule('mesh-authorization', [
      istio('AuthorizationPolicy', 'web', 'shop', { selector: { matchLabels: { app: 'web' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/x/sa/y'] } }] }] }),
      istio('AuthorizationPolicy', 'scrape', 'shop', { rules: [{ to: [{ operation: { ports: ['9090'] } }] }] }),
      istio('AuthorizationPolicy', 'deny', 'shop', { action: 'DENY', rules: [{}] }),
      istio('AuthorizationPolicy', 'nothing', 'shop', {}),
    ]);
    expect(summary(r)).toEqual({ checked: 4, failed: 0 });
  });
});

describe('mesh-injection', () => {
  const pod = (meta: { labels?: Record<string, string>; annotations?: Record<string, string> }, ns = 'shop') => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', ...meta.labels }, annotations: meta.annotations }, spec: safePodSpec() } },
  });

  test.each([
    ['the inject annotation', { annotations: { 'sidecar.istio.io/inject': 'false' } }, 'spec.template.metadata.annotations["sidecar.istio.io/inject"]'],
    ['the inject label', { labels: { 'sidecar.istio.io/inject': 'false' } }, 'spec.template.metadata.labels["sidecar.istio.io/inject"]'],
    ['excludeInboundPorts', { annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' } }, 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"]'],
    ['excludeOutboundIPRanges', { annotations: { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '0.0.0.0/0' } }, 'spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundIPRanges"]'],
    ['includeInboundPorts', { annotations: { 'traffic.sidecar.istio.io/includeInboundPorts': '' } }, 'spec.template.metadata.annotations["traffic.sidecar.istio.io/includeInboundPorts"]'],
    ['interceptionMode NONE', { annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } }, 'spec.template.metadata.annotations["sidecar.istio.io/interceptionMode"]'],
  ])('opting out with %s in a meshed namespace fails', (_name, meta, field) => {
    const r = checkRule('mesh-injection', [meshedNamespace('shop'), pod(meta)]);
    expect(fields(r)).toEqual([field]);
    expect(r.findings[0].message).toContain('although namespace "shop" is in the mesh (istio-injection=enabled)');
  });

  test('sidecar volumes outside the pod spec fail', () => {
    const r = checkRule('mesh-injection', [meshedNamespace('shop'), pod({ annotations: { 'sidecar.istio.io/userVolume': '{"host":{"hostPath":{"path":"/"}}}' } })]);
    expect(messages(r)).toEqual(['Deployment shop/web spec.template.metadata.annotations["sidecar.istio.io/userVolume"]: sidecar.istio.io/userVolume adds volumes to the injected sidecar, outside the pod spec that Pod Security and these rules judge']);
  });

  test('ambient: dataplane-mode none opts out; a revision label makes a namespace meshed', () => {
    expect(fields(checkRule('mesh-injection', [meshedNamespace('shop', { 'istio.io/dataplane-mode': 'ambient' }), pod({ labels: { 'istio.io/dataplane-mode': 'none' } })])))
      .toEqual(['spec.template.metadata.labels["istio.io/dataplane-mode"]']);
    expect(checkRule('mesh-injection', [meshedNamespace('shop', { 'istio.io/rev': 'canary' }), pod({ annotations: { 'sidecar.istio.io/inject': 'false' } })]).failed).toBe(1);
  });

  test('pods that stay in the mesh pass; outside the mesh the annotations are not judged', () => {
    expect(summary(checkRule('mesh-injection', [meshedNamespace('shop'), pod({ annotations: { 'sidecar.istio.io/inject': 'true' } })]))).toEqual({ checked: 1, failed: 0 });
    expect(summary(checkRule('mesh-injection', [namespace('shop'), pod({ annotations: { 'sidecar.istio.io/inject': 'false' } })]))).toEqual({ checked: 0, failed: 0 });
  });
});

describe('network-allow-all', () => {
  test('a policy admitting everything beside a default-deny fails, naming the rule', () => {
    const r = checkRule('network-allow-all', [defaultDeny('shop'), networkPolicy('open', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] }, 'shop')]);
    expect(messages(r)).toEqual([
      'NetworkPolicy shop/open spec.ingress[0]: ingress rule 0 has no from and no ports, so it admits every peer on every port for the pods it selects (podSelector {"matchLabels":{"app":"web"}}), undoing the default-deny of namespace "shop" for them',
    ]);
    expect(summary(r)).toEqual({ checked: 2, failed: 1 });
  });

  test('rules with peers or ports pass', () => {
    const r = checkRule('network-allow-all', [defaultDeny(), networkPolicy('web', {
      podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 8080 }] }], egress: [{ to: [{ podSelector: {} }] }],
    })]);
    expect(summary(r)).toEqual({ checked: 2, failed: 0 });
  });
});

describe('metadata-endpoint', () => {
  const egressTo = (...blocks: Array<{ cidr: string; except?: string[] }>) => networkPolicy('out', {
    podSelector: {}, policyTypes: ['Egress'], egress: [{ to: blocks.map((ipBlock) => ({ ipBlock })), ports: [{ port: 443 }] }],
  }, 'shop');

  test.each([
    [[{ cidr: '0.0.0.0/0' }], '169.254.169.254/32'],
    [[{ cidr: '0.0.0.0/00' }], '169.254.169.254/32'],
    [[{ cidr: '1.2.3.4/0' }], '169.254.169.254/32'],
    [[{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1' }], '169.254.169.254/32'],
    [[{ cidr: '::/0' }], 'fd00:ec2::254/128'],
    [[{ cidr: '0.0.0.0/0', except: ['169.254.169.255/32'] }], '169.254.169.254/32'],
  ])('egress to %j reaches %s', (blocks, reached) => {
    const r = checkRule('metadata-endpoint', [egressTo(...blocks)]);
    expect(r.findings.map((f) => [f.field, f.message.match(/metadata address (\S+);/)?.[1]])).toEqual([['spec.egress[0]', reached]]);
    expect(r.findings[0].fix).toContain(`add ${reached} to the ipBlock's except`);
  });

  test('an egress rule without `to` reaches it too', () => {
    const r = checkRule('metadata-endpoint', [networkPolicy('out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] })]);
    expect(r.findings[0].message).toBe('egress rule 0 admits every destination (it has no to), which contains the cloud metadata address 169.254.169.254/32, fd00:ec2::254/128; it hands node credentials to any pod that reaches it');
  });

  test('excepted, narrower or ingress blocks pass; the list of metadata blocks is an option', () => {
    const clean = [
      egressTo({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }, { cidr: '::/0', except: ['fd00:ec2::254/128'] }, { cidr: '10.0.0.0/8' }),
      networkPolicy('in', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }, 'shop'),
    ];
    expect(summary(checkRule('metadata-endpoint', clean))).toEqual({ checked: 2, failed: 0 });
    expect(checkRule('metadata-endpoint', clean, { metadataCidrs: ['10.0.0.10/32'] }).failed).toBe(1);
  });
});

describe('duplicate-object', () => {
  test('two objects of one group, kind, namespace and name fail, listing both', () => {
    const r = checkRule('duplicate-object', [deployment('web'), service('web', { app: 'web' }, [{ port: 80 }]), deployment('web', { ns: 'default' })]);
    expect(r.findings).toEqual([expect.objectContaining({
      subject: 'Deployment default/web',
      message: 'is defined 2 times (manifests #0, #2); the API server keeps one object per group, kind, namespace and name, so the last one applied silently replaces the others',
    })]);
    expect(r.findings[0].resources.map((x) => x.index)).toEqual([0, 2]);
    expect(summary(r)).toEqual({ checked: 2, failed: 1 });
  });

  test('same name in another namespace, kind or API group passes', () => {
    const r = checkRule('duplicate-object', [deployment('web'), deployment('web', { ns: 'shop' }), service('web', {}, [{ port: 80 }]),
      deployment('web', { apiVersion: 'batch.volcano.sh/v1alpha1' })]);
    expect(summary(r)).toEqual({ checked: 4, failed: 0 });
  });
});

describe('what escape hatches write is judged like a foreign manifest', () => {
  function meshedApp() {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
    const web = new SecureApp(ns, 'web', { name: 'web', image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
    return { chart, web };
  }
  const deploymentOf = (web: SecureApp) => web.node.findAll().find((c) => ApiObject.isApiObject(c) && (c as ApiObject).kind === 'Deployment') as ApiObject;

  test('the library\'s own meshed app passes every rule', () => {
    const { chart } = meshedApp();
    expect(runRules(chart.toJson()).filter((r) => r.failed > 0).map((r) => r.rule)).toEqual([]);
  });

  test('a patch that opts the pods out of the mesh, or mounts a token, fails its rule', () => {
    const { chart, web } = meshedApp();
    deploymentOf(web).addJsonPatch(
      JsonPatch.add('/spec/template/metadata/annotations/sidecar.istio.io~1inject', 'false'),
      JsonPatch.add('/spec/template/spec/automountServiceAccountToken', true),
    );
    // Synth refuses it (test/no-bypass.test.ts); the rules judge what the objects would write.
    expect(() => chart.toJson()).toThrow('written by the JSON patches on Deployment c/shop/web/Deployment');
    const written = chart.node.findAll().filter((c) => ApiObject.isApiObject(c)).map((c) => (c as ApiObject).toJson());
    const failing = runRules(written).filter((r) => r.failed > 0);
    expect(failing.map((r) => [r.rule, r.findings.map((f) => f.field)])).toEqual([
      ['service-account-token', ['spec.template.spec.automountServiceAccountToken']],
      ['mesh-injection', ['spec.template.metadata.annotations["sidecar.istio.io/inject"]']],
    ]);
  });
});

describe('runRules', () => {
  test('runs every rule in order; disable skips rules', () => {
    const all = ['pod-security', 'network-isolation', 'service-monitor-port', 'pdb', 'image-tag', 'service-account-token', 'mesh-mtls',
      'mesh-authorization', 'mesh-injection', 'network-allow-all', 'metadata-endpoint', 'duplicate-object'];
    expect(runRules([]).map((r) => r.rule)).toEqual(all);
    expect(runRules([], { disable: ['pdb', 'image-tag'] }).map((r) => r.rule)).toEqual(all.filter((id) => id !== 'pdb' && id !== 'image-tag'));
  });

  test('options are checked with errors that name the fix', () => {
    expect(() => runRules([], { disable: ['pdbs'] })).toThrow('disable: unknown rule "pdbs". Fix: use one of pod-security, network-isolation, service-monitor-port, pdb, image-tag, service-account-token, mesh-mtls, mesh-authorization, mesh-injection, network-allow-all, metadata-endpoint, duplicate-object.');
    expect(() => runRules([], { metadataCidrs: ['169.254.169.254'] })).toThrow('metadataCidrs: "169.254.169.254" is not a CIDR block. Fix: write e.g. "169.254.169.254/32".');
    expect(() => runRules([], { defaultLevel: 'strict' as any })).toThrow(/defaultLevel "strict" is not a Pod Security level/);
    expect(() => runRules([], { defaultVersion: 'v2.0' })).toThrow(/defaultVersion: invalid Pod Security version "v2.0"/);
  });

  test('items of a List are judged and indexed by the List', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [deployment('web', { spec: safePodSpec({ container: { image: 'nginx' } }) })] };
    const findings: Finding[] = runRules([namespace('x'), list], { disable: ['network-isolation', 'pod-security'] }).flatMap((r) => r.findings);
    expect(findings.map((f) => [f.rule, f.resources[0].index])).toEqual([['image-tag', 1]]);
  });
});

// ---------------------------------------------------------------------------------------------
// The plugin against the CLI's own ValidationContext and ValidationReport.

describe('SecureValidation', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-plugin-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeYaml(name: string, docs: any[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    return file;
  }

  test('reports each finding with rule, construct path, location and fix, then fails', async () => {
    const good = writeYaml('good.k8s.yaml', [defaultDeny(), deployment('web')]);
    const bad = writeYaml('bad.k8s.yaml', [deployment('legacy', { spec: safePodSpec({ container: { image: 'nginx:latest' } }) })]);
    const context = new ValidationContext([good, bad], 'cdk8s-secure', '0.1.0', { legacy: { path: 'app/legacy/Deployment' } }, false);
    await new SecureValidation({ disable: ['network-isolation'] }).validate(context);
    const json = context.report.toJson();
    expect(json.summary.status).toBe('failure');
    expect(json.violations).toEqual([{
      ruleName: 'image-tag',
      recommendation: 'Deployment default/legacy: container "app" image "nginx:latest" uses the mutable tag ":latest". At construct app/legacy/Deployment.',
      fix: 'pin a version tag or a digest, e.g. "nginx:1.2.3" or "nginx@sha256:<digest>"',
      violatingConstructs: [{
        resourceName: 'legacy',
        constructPath: 'app/legacy/Deployment',
        manifestPath: bad,
        locations: ['Deployment default/legacy spec.template.spec.containers[app].image'],
      }],
    }]);
    expect(json.summary.metadata).toEqual({
      'Rules': 'pod-security: 2 pass, service-monitor-port: 0 pass, pdb: 0 pass, image-tag: 1 of 2 fail, service-account-token: 2 pass, mesh-mtls: 0 pass, '
        + 'mesh-authorization: 0 pass, mesh-injection: 0 pass, network-allow-all: 1 pass, metadata-endpoint: 1 pass, duplicate-object: 3 pass',
      'Disabled rules': 'network-isolation',
    });
  });

  test('succeeds on compliant manifests', async () => {
    const file = writeYaml('ok.k8s.yaml', [defaultDeny(), deployment('web')]);
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', {}, false);
    await new SecureValidation().validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().violations).toEqual([]);
  });

  test('never names the construct of another object that shares the name', async () => {
    const file = writeYaml('x.k8s.yaml', [service('web', { app: 'web' }, [{ port: 80 }]), deployment('web', { spec: safePodSpec({ container: { image: 'nginx' } }) })]);
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', { web: { path: 'app/web/Service' } }, false);
    await new SecureValidation({ disable: ['network-isolation'] }).validate(context);
    const [v] = context.report.toJson().violations;
    expect(v.recommendation).toContain('Construct of Deployment web unknown: cdk8s records one construct path per object name, and 2 objects are named "web" (no cdk8s-secure-paths.json beside the manifests gives exact ones).');
    expect(v.recommendation).not.toContain('app/web/Service');
    // The CLI looks the path up by resourceName: a name it does not know keeps it from printing the Service's.
    expect(v.violatingConstructs.map((c) => [c.resourceName, c.constructPath])).toEqual([['Deployment default/web', undefined]]);
  });

  test('with the paths file of the app, findings name the exact construct of each object', async () => {
    const app = Testing.app();
    const chart = new Chart(app, 'app');
    new ApiObject(chart, 'WebService', service('web', { app: 'web' }, [{ port: 80 }]));
    new ApiObject(chart, 'WebDeployment', deployment('web', { spec: safePodSpec({ container: { image: 'nginx' } }) }));
    new ApiObject(chart, 'Legacy', deployment('legacy', { spec: safePodSpec({ container: { image: 'nginx:latest' } }) }));
    const file = writeYaml('app.k8s.yaml', chart.toJson());
    fs.writeFileSync(path.join(dir, OBJECT_PATHS_FILE), JSON.stringify({ version: '1', objects: objectPathsOf(app) }));
    // What cdk8s records: the last object of each name.
    const metadata = { web: { path: 'app/WebDeployment' }, legacy: { path: 'app/Legacy' } };
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', metadata, false);
    await new SecureValidation({ disable: ['network-isolation'] }).validate(context);
    const violations = context.report.toJson().violations;
    expect(violations.map((v) => v.recommendation.match(/At construct (\S+)\./)?.[1])).toEqual(['app/WebDeployment', 'app/Legacy']);
    expect(violations.map((v) => v.violatingConstructs[0].constructPath)).toEqual(['app/WebDeployment', 'app/Legacy']);
  });

  test('a paths file that does not cover the manifests (left from another synth) is not used', async () => {
    const file = writeYaml('x.k8s.yaml', [deployment('legacy', { spec: safePodSpec({ container: { image: 'nginx:latest' } }) })]);
    fs.writeFileSync(path.join(dir, OBJECT_PATHS_FILE), JSON.stringify({ version: '1', objects: { 'apps/Deployment//other': ['old/Other'] } }));
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', { legacy: { path: 'app/legacy/Deployment' } }, false);
    await new SecureValidation({ disable: ['network-isolation'] }).validate(context);
    expect(context.report.toJson().violations[0].recommendation).toContain('At construct app/legacy/Deployment.');
  });

  test('rejects unknown or invalid properties, naming the fix', () => {
    expect(() => new SecureValidation({ defaultlevel: 'baseline' } as any)).toThrow(
      'cdk8s-secure validation: unknown property "defaultlevel". Fix: use defaultLevel, defaultVersion, defaultNamespace, disable, metadataCidrs.',
    );
    expect(() => new SecureValidation({ defaultLevel: 'open' as any })).toThrow(/properties: defaultLevel "open" is not a Pod Security level/);
  });

  test('an empty `properties:` in cdk8s.yaml (null) means the defaults', async () => {
    const file = writeYaml('ok.k8s.yaml', [defaultDeny(), deployment('web')]);
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', {}, false);
    await new SecureValidation(null as any).validate(context);
    expect(context.report.success).toBe(true);
  });

  test('a YAML syntax error names the file and line', async () => {
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'kind: Deployment\nmetadata:\n  name: [unclosed\n');
    const context = new ValidationContext([file], 'cdk8s-secure', '0.1.0', {}, false);
    await expect(new SecureValidation().validate(context)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid YAML`));
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: `cdk8s synth` with the plugin in cdk8s.yaml, offline.

describe('cdk8s synth with the plugin (end to end)', () => {
  const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version;
  let dir: string;

  beforeAll(() => ensureBuilt(), 120_000);
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-e2e-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes main.js (body after the requires) and cdk8s.yaml, runs `cdk8s synth`. */
  function synth(body: string, properties?: object): { status: number | null; output: string } {
    fs.writeFileSync(path.join(dir, 'main.js'), [
      // The library and the app must share one cdk8s module, so both resolve it from the repo.
      `const { App, Chart, ApiObject } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s'))});`,
      `const { IsolatedNamespace, SecureApp } = require(${JSON.stringify(path.join(ROOT, 'lib'))});`,
      'const app = new App();',
      body,
      'app.synth();',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'app: node main.js',
      'validations:',
      // An absolute path: the CLI requires it in place instead of installing from npm.
      `  - package: ${JSON.stringify(ROOT)}`,
      `    version: ${JSON.stringify(version)}`,
      '    class: SecureValidation',
      ...(properties ? [`    properties: ${JSON.stringify(properties)}`] : []),
    ].join('\n'));
    const r = spawnSync(process.execPath, [CLI, 'synth'], {
      cwd: dir,
      encoding: 'utf-8',
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      timeout: 50_000,
    });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }

  test('a hardened app synthesizes and passes', () => {
    const { status, output } = synth([
      "const chart = new Chart(app, 'good');",
      "const ns = new IsolatedNamespace(chart, 'shop');",
      "const web = new SecureApp(ns, 'web', { name: 'web', image: 'ghcr.io/acme/web:1.4.2', port: 8080 });",
      "const api = new SecureApp(ns, 'api', { name: 'api', image: 'ghcr.io/acme/api:2.0.0', port: 9000 });",
      'api.allowFrom(web);',
    ].join('\n'));
    expect(output).toContain('Validations ended succesfully');
    expect(status).toBe(0);
  }, 60_000);

  test('a raw privileged Deployment on nginx:latest fails with rule ids, construct path and fixes', () => {
    const { status, output } = synth([
      "const chart = new Chart(app, 'bad');",
      "new ApiObject(chart, 'legacy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'legacy' }, spec: {",
      "  selector: { matchLabels: { app: 'legacy' } },",
      "  template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:latest', securityContext: { privileged: true } }] } },",
      '} });',
    ].join('\n'));
    expect(status).not.toBe(0);
    expect(output).toContain('Validation failed');
    for (const rule of ['image-tag', 'pod-security', 'network-isolation']) expect(output).toContain(`${rule} (`);
    expect(output).toContain('Construct Path: bad/legacy');
    expect(output).toContain('At construct bad/legacy.');
    expect(output).toContain('How to fix: pin a version tag or a digest, e.g. "nginx:1.2.3" or "nginx@sha256:<digest>"');
    expect(output).toContain('How to fix: remove securityContext.privileged or set it to false');
  }, 60_000);

  test('properties from cdk8s.yaml reach the plugin', () => {
    const body = [
      "const chart = new Chart(app, 'bad');",
      "new ApiObject(chart, 'legacy', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy' }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27.0' }] } });",
    ].join('\n');
    // Fails restricted (the default) but passes baseline; no policies either way.
    const strict = synth(body, { disable: ['network-isolation', 'service-account-token'] });
    expect(strict.status).not.toBe(0);
    expect(strict.output).toContain('pod-security (');
    const relaxed = synth(body, { defaultLevel: 'baseline', disable: ['network-isolation', 'service-account-token'] });
    expect(relaxed.output).toContain('Validations ended succesfully');
    expect(relaxed.status).toBe(0);
    const typo = synth(body, { defaultlevel: 'baseline' });
    expect(typo.status).not.toBe(0);
    expect(typo.output).toContain('unknown property "defaultlevel"');
  }, 60_000);
});
