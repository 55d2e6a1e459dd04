import { App, Chart, Testing } from 'cdk8s';
import {
  AppArmorProfile, checkPodSecurity, ClusterSettings, CLUSTER_SETTINGS_DEFAULTS, IsolatedNamespace, istioInjectsNativeSidecar, Mesh,
  podSecurityVersionFor, SecureApp, supportsAppArmorField, supportsNativeSidecars, supportsUserNamespaces,
} from '../src';
import { withInjectedContainers } from '../src/render/mesh/injection';
import { expectValidManifests, schemaErrors } from './support/schema';
import { one, synthApp } from './support/synth';

const PSA = 'pod-security.kubernetes.io';

/** An app targeting `settings`, with one namespace `shop` (optionally meshed) and one SecureApp `web`. */
function shop(settings: { kubernetesVersion?: string; istioVersion?: string }, web: Partial<ConstructorParameters<typeof SecureApp>[2]> = {}, mesh?: Mesh) {
  const app = Testing.app();
  ClusterSettings.apply(app, settings);
  const chart = new Chart(app, 'c');
  const ns = new IsolatedNamespace(chart, 'shop', { mesh });
  new SecureApp(ns, 'web', { image: 'nginx:1.27', port: 8080, name: 'web', ...web });
  return { app, ns };
}

describe('the target versions are a setting', () => {
  test('defaults: Kubernetes 1.35 (the oldest supported release) and Istio 1.27', () => {
    expect(CLUSTER_SETTINGS_DEFAULTS.kubernetesVersion).toBe('1.35');
    expect(CLUSTER_SETTINGS_DEFAULTS.istioVersion).toBe('1.27');
    expect(ClusterSettings.of(new App()).kubernetesVersion).toBe('1.35');
  });

  const bad: Array<[string, any, RegExp]> = [
    ['a release older than 1.27', { kubernetesVersion: '1.26' },
      /\[App\] ClusterSettings kubernetesVersion "1\.26" is older than 1\.27, the oldest release this library's output is built and checked for\. Fix: upgrade the cluster and target "1\.35"/],
    ['a v prefix', { kubernetesVersion: 'v1.35' }, /ClusterSettings kubernetesVersion "v1\.35" is not a Kubernetes minor\. Fix: give "1\.<minor>", e.g\. "1\.35"/],
    ['a patch release', { kubernetesVersion: '1.35.2' }, /ClusterSettings kubernetesVersion "1\.35\.2" is not a Kubernetes minor/],
    ['an Istio channel name', { istioVersion: 'stable' }, /ClusterSettings istioVersion "stable" is not an Istio release\. Fix: give "1\.<minor>" or "1\.<minor>\.<patch>", e\.g\. "1\.27"/],
  ];
  test.each(bad)('%s is refused', (_name, props, error) => {
    const app = new App();
    expect(() => ClusterSettings.apply(app, props)).toThrow(error);
    expect(ClusterSettings.of(app)).toEqual(CLUSTER_SETTINGS_DEFAULTS);
  });

  test('Istio patch releases are accepted', () => {
    const app = new App();
    ClusterSettings.apply(app, { istioVersion: '1.28.1' });
    expect(istioInjectsNativeSidecar(ClusterSettings.of(app))).toBe(true);
  });
});

describe('the Pod Security pin follows the target', () => {
  test('a namespace pins enforce-version to the target minor, and its apps are judged at it and latest', () => {
    const { app, ns } = shop({ kubernetesVersion: '1.31' });
    expect(one(synthApp(app), 'Namespace').metadata.labels).toMatchObject({
      [`${PSA}/enforce-version`]: 'v1.31', [`${PSA}/warn-version`]: 'latest', [`${PSA}/audit-version`]: 'latest',
    });
    expect(ns.podSecurityVersion).toBe('v1.31');
  });

  test('by default the pin is v1.35', () => {
    const { app } = shop({});
    expect(one(synthApp(app), 'Namespace').metadata.labels[`${PSA}/enforce-version`]).toBe('v1.35');
  });

  test('the pin is read at synth, so settings applied after the namespace still count', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new IsolatedNamespace(chart, 'shop');
    ClusterSettings.apply(app, { kubernetesVersion: '1.36' });
    expect(one(synthApp(app), 'Namespace').metadata.labels[`${PSA}/enforce-version`]).toBe('v1.36');
  });

  test('an explicit podSecurityVersion wins over the target', () => {
    const app = Testing.app();
    ClusterSettings.apply(app, { kubernetesVersion: '1.36' });
    new IsolatedNamespace(new Chart(app, 'c'), 'shop', { podSecurityVersion: 'v1.33' });
    expect(one(synthApp(app), 'Namespace').metadata.labels[`${PSA}/enforce-version`]).toBe('v1.33');
  });

  test('a chart without a namespace construct is judged at the target version too', () => {
    const app = Testing.app();
    ClusterSettings.apply(app, { kubernetesVersion: '1.29' });
    const chart = new Chart(app, 'c', { namespace: 'plain' });
    new SecureApp(chart, 'web', { image: 'nginx:1.27', port: 8080, relax: { addCapabilities: ['NET_ADMIN'] } });
    expect(() => synthApp(app)).toThrow(/Pod Security "restricted" \(v1\.29\) check capabilities_restricted fails/);
  });

  test('the v1.35 policy relaxes runAsNonRoot for hostUsers: false pods, which a v1.34 pin gives up', () => {
    expect(podSecurityVersionFor({ kubernetesVersion: '1.35', istioVersion: '1.27' })).toBe('v1.35');
    const pod = {
      spec: {
        hostUsers: false,
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      },
    };
    expect(checkPodSecurity(pod, 'restricted', podSecurityVersionFor({ kubernetesVersion: '1.35', istioVersion: '1.27' }))).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', podSecurityVersionFor({ kubernetesVersion: '1.34', istioVersion: '1.27' })).map((v) => v.check)).toEqual(['runAsNonRoot']);
  });
});

describe('the injected pod follows the target', () => {
  const pod = { spec: { initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] } };
  const names = (cs: any[] | undefined) => (cs ?? []).map((c) => c.name);

  test('Istio 1.27+ on Kubernetes 1.29+: istio-proxy is a native sidecar, after istio-init and before the pod\'s own init containers', () => {
    const injected: any = withInjectedContainers(pod, Mesh.sidecar(), { kubernetesVersion: '1.35', istioVersion: '1.27' });
    expect(names(injected.spec.initContainers)).toEqual(['istio-init', 'istio-proxy', 'migrate']);
    expect(injected.spec.initContainers[1].restartPolicy).toBe('Always');
    expect(names(injected.spec.containers)).toEqual(['app']);
  });

  test('with the CNI plugin the init container is istio-validation, running as the proxy', () => {
    const injected: any = withInjectedContainers(pod, Mesh.sidecar({ istioCni: true }), { kubernetesVersion: '1.35', istioVersion: '1.28' });
    expect(names(injected.spec.initContainers)).toEqual(['istio-validation', 'istio-proxy', 'migrate']);
    expect(injected.spec.initContainers[0].securityContext).toMatchObject({ runAsUser: 1337, runAsNonRoot: true });
  });

  test('Istio before 1.27, or Kubernetes before 1.29: istio-proxy is a regular container', () => {
    for (const target of [{ kubernetesVersion: '1.35', istioVersion: '1.26' }, { kubernetesVersion: '1.28', istioVersion: '1.28' }]) {
      const injected: any = withInjectedContainers(pod, Mesh.sidecar(), target);
      expect(names(injected.spec.initContainers)).toEqual(['migrate', 'istio-init']);
      expect(names(injected.spec.containers)).toEqual(['app', 'istio-proxy']);
      expect(injected.spec.containers[1].restartPolicy).toBeUndefined();
    }
  });

  test('the model functions other workload kinds ask', () => {
    const t = (kubernetesVersion: string, istioVersion = '1.27') => ({ kubernetesVersion, istioVersion });
    expect([supportsNativeSidecars(t('1.28')), supportsNativeSidecars(t('1.29'))]).toEqual([false, true]);
    expect([istioInjectsNativeSidecar(t('1.29', '1.26')), istioInjectsNativeSidecar(t('1.29', '1.27'))]).toEqual([false, true]);
    expect([supportsAppArmorField(t('1.29')), supportsAppArmorField(t('1.30'))]).toEqual([false, true]);
    expect([supportsUserNamespaces(t('1.32')), supportsUserNamespaces(t('1.33'))]).toEqual([false, true]);
  });

  test('a sidecar namespace without CNI fails restricted at synth through istio-init, native sidecar or not', () => {
    for (const istioVersion of ['1.26', '1.28']) {
      const { app } = shop({ istioVersion }, {}, Mesh.sidecar());
      expect(() => synthApp(app)).toThrow(/\[c\/shop\/web\] Pod Security "restricted" \(v1\.35\) check capabilities_restricted fails: init container "istio-init" adds capability "NET_ADMIN"/);
    }
  });
});

describe('version-dependent fields', () => {
  test('hostUsers: false is emitted on 1.33 and later', () => {
    const { app } = shop({ kubernetesVersion: '1.33' }, { hostUsers: false });
    const out = synthApp(app);
    expect(one(out, 'Deployment').spec.template.spec.hostUsers).toBe(false);
    expectValidManifests(out);
  });

  test('hostUsers: false on a target before 1.33 is a synth error with the fix', () => {
    expect(() => shop({ kubernetesVersion: '1.32' }, { hostUsers: false })).toThrow(
      /\[c\/shop\/web\] hostUsers: false needs user namespaces, which Kubernetes 1\.32 \(the target\) runs only behind the UserNamespacesSupport feature gate, so the pod would run in the host user namespace after all\. Fix: target Kubernetes 1\.33 or later with ClusterSettings\.apply\(app, \{ kubernetesVersion: '1\.33' \}\) once the cluster runs it, or drop hostUsers\./);
  });

  test('a version-dependent prop reads the target when built, so a later apply() is refused naming the app', () => {
    const app = Testing.app();
    new SecureApp(new Chart(app, 'c', { namespace: 'x' }), 'web', { image: 'nginx:1.27', port: 8080, hostUsers: false });
    expect(() => ClusterSettings.apply(app, { kubernetesVersion: '1.32' })).toThrow(/came after c\/web had already read the settings/);
  });

  test('appArmorProfile is the field on 1.30 and later', () => {
    const { app } = shop({ kubernetesVersion: '1.30' }, { appArmorProfile: AppArmorProfile.localhost('deny-write') });
    const out = synthApp(app);
    const template = one(out, 'Deployment').spec.template;
    expect(template.spec.securityContext.appArmorProfile).toEqual({ type: 'Localhost', localhostProfile: 'deny-write' });
    expect(template.metadata.annotations).toBeUndefined();
    expect(schemaErrors(one(out, 'Deployment'), '1.36')).toEqual([]);
    // The field did not exist in 1.27: output for a 1.30 target is not for 1.27 clusters.
    expect(schemaErrors(one(out, 'Deployment'), '1.27')).toEqual([
      'spec.template.spec.securityContext.appArmorProfile: unknown field "appArmorProfile"',
    ]);
  });

  test('appArmorProfile is the annotation before 1.30, valid on 1.27 and on 1.36', () => {
    const { app } = shop({ kubernetesVersion: '1.29' }, { appArmorProfile: AppArmorProfile.runtimeDefault() });
    const out = synthApp(app);
    const template = one(out, 'Deployment').spec.template;
    expect(template.metadata.annotations).toEqual({ 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' });
    expect(template.spec.securityContext.appArmorProfile).toBeUndefined();
    expectValidManifests(out);
  });

  test('an AppArmor localhost profile without a name is refused', () => {
    expect(() => shop({}, { appArmorProfile: AppArmorProfile.localhost('') })).toThrow(
      /appArmorProfile AppArmorProfile\.localhost\(""\) names no profile\. Fix: give the name the profile is loaded under on the nodes/);
  });

  test('the oldest target, 1.27, gives output valid on 1.27 and on 1.36', () => {
    const { app } = shop({ kubernetesVersion: '1.27', istioVersion: '1.20' }, { appArmorProfile: AppArmorProfile.runtimeDefault() }, Mesh.ambient());
    const out = synthApp(app);
    expect(one(out, 'Namespace').metadata.labels[`${PSA}/enforce-version`]).toBe('v1.27');
    expectValidManifests(out);
  });
});
