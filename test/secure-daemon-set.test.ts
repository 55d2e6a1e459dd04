import { Chart, Testing } from 'cdk8s';
import { IsolatedNamespace, Peer, PodSecurityLevel, SecureConfigError, SecureDaemonSet } from '../src';
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
