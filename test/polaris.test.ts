import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { POLARIS_UNSUPPORTED, PolarisFailure, polarisFailures, renderGoTemplate } from './support/polaris';
import { expectValidManifests } from './support/schema';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const yamlDocs = (s: string): any[] => YAML.parseAllDocuments(s).map((d) => d.toJSON());
const ids = (failures: PolarisFailure[]): string[] => [...new Set(failures.map((f) => f.check))].sort();

/** Every check default.yaml does not set to `ignore`. */
const activeChecks: string[] = Object.entries<string>(
  YAML.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'polaris', 'default.yaml'), 'utf8')).checks,
)
  .filter(([, severity]) => severity !== 'ignore')
  .map(([id]) => id)
  .sort();

const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

/** A Deployment that passes every Polaris check, with the objects the multi-resource checks look for. */
const hardened = (): any[] => [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels },
    spec: {
      replicas: 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'web',
          automountServiceAccountToken: false,
          priorityClassName: 'business-critical',
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
          ],
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/web:1.2.3',
              imagePullPolicy: 'Always',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: 0.25, memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { httpGet: { path: '/live', port: 'http' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { minAvailable: 1, selector: { matchLabels: labels } },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 6 },
  },
  {
    // Polaris wants exactly one of the pod's labels in matchLabels (a oneOf over the labels).
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port: 8080 }] }],
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
    },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'web', namespace: 'shop' },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'watch'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'web', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'shop' }, data: { LOG_LEVEL: 'info' } },
];

/** The Deployment with every pod/container-level problem Polaris knows. */
const badDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bad', labels: { 'app.kubernetes.io/instance': 'not-bad' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'bad' } },
    template: {
      metadata: { labels: { app: 'bad' } },
      spec: {
        hostIPC: true,
        hostPID: true,
        hostNetwork: true,
        securityContext: { windowsOptions: { hostProcess: true } },
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
        containers: [
          {
            name: 'app',
            image: 'nginx:latest',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, hostPort: 80 }],
            env: [{ name: 'DB_PASSWORD', value: 'hunter2' }],
            securityContext: {
              privileged: true,
              allowPrivilegeEscalation: true,
              runAsUser: 0,
              readOnlyRootFilesystem: false,
              procMount: 'Unmasked',
              capabilities: { add: ['SYS_ADMIN'] },
            },
          },
        ],
      },
    },
  },
};

/** Objects that trip the checks on other kinds (PDB, HPA, Ingress, ConfigMap, RBAC). */
const badOthers = yamlDocs(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled, labels: {app.kubernetes.io/instance: scaled}}
spec:
  replicas: 2
  selector: {matchLabels: {app: scaled}}
  template:
    metadata: {labels: {app: scaled}}
    spec: {containers: [{name: app, image: "registry.example.com/app:1"}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: scaled}
spec: {minAvailable: 3, selector: {matchLabels: {app: scaled}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: frozen}
spec: {maxUnavailable: 0, selector: {matchLabels: {app: other}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: scaled}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}, minReplicas: 1, maxReplicas: 1}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec: {rules: [{host: example.com}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: creds}
data: {API_TOKEN: abc}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec}
rules: [{apiGroups: [""], resources: [pods/attach], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: everything}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: exec}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exec}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cr-exec}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exec}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r-exec}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cr-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: everything}
subjects: [{kind: ServiceAccount, name: a, namespace: shop}]
`);

describe('polarisFailures', () => {
  test('the hardened workload (valid Kubernetes objects) passes every check', () => {
    const manifests = hardened();
    expectValidManifests(manifests);
    expect(polarisFailures(manifests)).toEqual([]);
  });

  test('a bad Deployment fails the pod and container checks, with severity, object and container', () => {
    const failures = polarisFailures([badDeployment]);
    expect(failures).toEqual(
      expect.arrayContaining([
        { check: 'runAsPrivileged', severity: 'danger', object: 'Deployment/bad', container: 'app', message: 'Should not be running as privileged' },
        { check: 'hostNetworkSet', severity: 'danger', object: 'Deployment/bad', message: 'Host network should not be configured' },
        { check: 'tagNotSpecified', severity: 'danger', object: 'Deployment/bad', container: 'app', message: 'Image tag should be specified' },
        { check: 'deploymentMissingReplicas', severity: 'warning', object: 'Deployment/bad', message: 'Only one replica is scheduled' },
        // linuxHardening spells its key `FailureMessage`; Go's decoder matches it anyway
        expect.objectContaining({ check: 'linuxHardening', message: expect.stringMatching(/^Use one of AppArmor/) }),
      ]),
    );
    expect(ids(failures)).toEqual(
      [
        'automountServiceAccountToken', 'cpuLimitsMissing', 'cpuRequestsMissing', 'dangerousCapabilities', 'deploymentMissingReplicas',
        'hostIPCSet', 'hostNetworkSet', 'hostPIDSet', 'hostPathSet', 'hostPortSet', 'hostProcess', 'insecureCapabilities',
        'linuxHardening', 'livenessProbeMissing', 'memoryLimitsMissing', 'memoryRequestsMissing', 'metadataAndInstanceMismatched',
        'missingNetworkPolicy', 'missingPodDisruptionBudget', 'notReadOnlyRootFilesystem', 'priorityClassNotSet',
        'privilegeEscalationAllowed', 'procMount', 'pullPolicyNotAlways', 'readinessProbeMissing', 'runAsPrivileged',
        'runAsRootAllowed', 'sensitiveContainerEnvVar', 'tagNotSpecified', 'topologySpreadConstraint',
      ].sort(),
    );
  });

  test('every check of default.yaml is evaluated: together the bad objects fail each one', () => {
    expect(POLARIS_UNSUPPORTED).toEqual([]);
    expect(activeChecks.length).toBe(44);
    expect(ids(polarisFailures([badDeployment, ...badOthers]))).toEqual(activeChecks);
  });

  test('minSeverity danger keeps only the danger checks', () => {
    const failures = polarisFailures([badDeployment], { minSeverity: 'danger' });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.severity === 'danger')).toBe(true);
    expect(ids(failures)).toContain('runAsPrivileged');
    expect(ids(failures)).not.toContain('readinessProbeMissing');
  });

  test('one fix removes exactly its finding', () => {
    const m = hardened();
    m[0].spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    expect(polarisFailures(m).map((f) => [f.check, f.container])).toEqual([['notReadOnlyRootFilesystem', 'web']]);
    m[0].spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = true;
    m[0].spec.template.spec.securityContext = { runAsNonRoot: true }; // no seccomp any more, no SELinux: caps are dropped though
    expect(polarisFailures(m)).toEqual([]);
    m[0].spec.template.spec.containers[0].securityContext.capabilities = { drop: [] };
    expect(ids(polarisFailures(m))).toEqual(['insecureCapabilities', 'linuxHardening']);
  });

  test('init containers are checked, but not by the checks that exclude them', () => {
    const m = hardened();
    m[0].spec.template.spec.initContainers = [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }];
    const failures = polarisFailures(m).filter((f) => f.container === 'init');
    expect(ids(failures)).toEqual(expect.arrayContaining(['runAsPrivileged', 'tagNotSpecified']));
    expect(ids(failures)).not.toContain('readinessProbeMissing'); // containers.exclude: initContainer
    expect(ids(failures)).not.toContain('cpuLimitsMissing');
  });

  describe('multi-resource checks look at the other objects', () => {
    test('missingNetworkPolicy: the policy must select the pod and have both directions', () => {
      const m = hardened();
      expect(ids(polarisFailures(m))).not.toContain('missingNetworkPolicy');
      const np = m[4];
      np.spec.podSelector.matchLabels = { 'app.kubernetes.io/name': 'other' };
      expect(ids(polarisFailures(m))).toEqual(['missingNetworkPolicy']);
      np.spec.podSelector.matchLabels = { 'app.kubernetes.io/name': 'web' };
      np.spec.policyTypes = ['Ingress'];
      expect(ids(polarisFailures(m))).toEqual(['missingNetworkPolicy']);
      np.spec.policyTypes = ['Ingress', 'Egress'];
      delete np.spec.egress;
      expect(ids(polarisFailures(m))).toEqual(['missingNetworkPolicy']);
    });

    test('missingNetworkPolicy: a policy in another namespace does not count', () => {
      const m = hardened();
      m[4].metadata.namespace = 'elsewhere';
      expect(ids(polarisFailures(m))).toEqual(['missingNetworkPolicy']);
    });

    test('missingPodDisruptionBudget: a PDB must select the pod template labels', () => {
      const m = hardened();
      m[2].spec.selector.matchLabels = { app: 'nope' };
      expect(ids(polarisFailures(m))).toEqual(['missingPodDisruptionBudget']);
    });

    test('automountServiceAccountToken: the pod may leave it to its ServiceAccount', () => {
      const m = hardened();
      delete m[0].spec.template.spec.automountServiceAccountToken;
      expect(polarisFailures(m)).toEqual([]); // ServiceAccount web has automountServiceAccountToken: false
      m[1].automountServiceAccountToken = true;
      expect(ids(polarisFailures(m))).toEqual(['automountServiceAccountToken']);
      m[1].automountServiceAccountToken = false;
      m[1].metadata.name = 'someone-else';
      expect(ids(polarisFailures(m))).toEqual(['automountServiceAccountToken']);
    });

    test('pdbMinAvailableGreaterThanHPAMinReplicas compares the PDB to the HPA of the Deployment', () => {
      const m = hardened();
      m[2].spec.minAvailable = 4; // HPA minReplicas is 3
      expect(ids(polarisFailures(m))).toEqual(['pdbMinAvailableGreaterThanHPAMinReplicas']);
      m[2].spec.minAvailable = '100%'; // ceil(100% of 3) = 3: not greater (but no voluntary eviction is possible)
      expect(ids(polarisFailures(m))).toEqual(['pdbDisruptionsIsZero']);
      m[2].spec.minAvailable = 3;
      expect(polarisFailures(m)).toEqual([]);
    });

    test('hpaMaxAvailability / hpaMinAvailability', () => {
      const m = hardened();
      m[3].spec.maxReplicas = 3;
      expect(ids(polarisFailures(m))).toEqual(['hpaMaxAvailability']);
      m[3].spec = { ...m[3].spec, minReplicas: 1, maxReplicas: 4 };
      expect(ids(polarisFailures(m))).toEqual(['hpaMinAvailability']);
    });

    test('RoleBinding checks resolve the bound Role', () => {
      const m = hardened();
      m[5].rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] });
      expect(ids(polarisFailures(m))).toEqual(['rolePodExecAttach', 'rolebindingRolePodExecAttach']);
    });
  });

  test('linuxHardening accepts an AppArmor annotation for the container (template over .Polaris.PodTemplate and .Polaris.Container)', () => {
    const m = hardened();
    delete m[0].spec.template.spec.securityContext.seccompProfile;
    m[0].spec.template.spec.containers[0].securityContext.capabilities = { drop: [] };
    const fails = () => polarisFailures(m).filter((f) => f.check === 'linuxHardening');
    expect(fails()).toHaveLength(1);
    m[0].spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/other': 'runtime/default' };
    expect(fails()).toHaveLength(1);
    m[0].spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' };
    expect(fails()).toHaveLength(0);
  });

  test('the exemption annotations are honoured', () => {
    const m = clone(badDeployment) as any;
    m.metadata.annotations = { 'polaris.fairwinds.com/hostNetworkSet-exempt': 'true' };
    const failures = ids(polarisFailures([m]));
    expect(failures).not.toContain('hostNetworkSet');
    expect(failures).toContain('hostPIDSet');
    m.metadata.annotations = { 'polaris.fairwinds.com/exempt': 'true' };
    expect(polarisFailures([m])).toEqual([]);
  });

  test("default.yaml's controller-name exemptions apply only on request", () => {
    const m = clone(badDeployment) as any;
    m.metadata.name = 'cert-manager-webhook';
    expect(ids(polarisFailures([m]))).toContain('notReadOnlyRootFilesystem');
    expect(ids(polarisFailures([m], { configExemptions: true }))).not.toContain('notReadOnlyRootFilesystem');
  });

  test('other controllers (CronJob, StatefulSet, Pod) are audited, with controllers.include/exclude', () => {
    const pod = { containers: [{ name: 'c', image: 'busybox:1.36' }] };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: pod } } } } };
    const cronIds = ids(polarisFailures([cron]));
    expect(cronIds).toContain('runAsRootAllowed');
    expect(cronIds).not.toContain('livenessProbeMissing'); // controllers.exclude: CronJob
    expect(cronIds).not.toContain('topologySpreadConstraint');
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector: {}, template: { spec: pod } } };
    const stsIds = ids(polarisFailures([sts]));
    expect(stsIds).toContain('livenessProbeMissing');
    expect(stsIds).not.toContain('deploymentMissingReplicas'); // controllers.include: Deployment
    expect(ids(polarisFailures([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: pod }]))).toContain('runAsRootAllowed');
  });
});

describe('renderGoTemplate (Go text/template semantics)', () => {
  test('missing values, trimming, conditionals, range over sorted map keys, variables, functions', () => {
    const data = { a: { b: 'x' }, n: 2, zero: 0, m: { z: 1, a: 'two' }, list: ['p', 'q'] };
    expect(renderGoTemplate('{{ .a.b }}|{{ .missing.deeper }}|{{ .n }}', data)).toBe('x|<no value>|2');
    expect(renderGoTemplate('a  {{- if .zero }}yes{{ else }} no {{- end }}  b', data)).toBe('a no  b');
    expect(renderGoTemplate('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}{{ range .list }}[{{ . }}]{{ end }}', data)).toBe('a=two;z=1;[p][q]');
    expect(renderGoTemplate('{{ range .missing }}x{{ else }}empty{{ end }}', data)).toBe('empty');
    expect(renderGoTemplate('{{ $x := false }}{{ if .a }}{{ $x = index . "a" "b" }}{{ end }}{{ $x }}', data)).toBe('x');
    expect(renderGoTemplate('{{ eq .missing false }} {{ not (eq .missing false) }} {{ ne .a.b "x" }} {{ eq .n 1 2 }}', data)).toBe('false true false true');
    expect(renderGoTemplate('{{ or .missing .zero "d" }} {{ and .n .zero }} {{ hasPrefix .a.b "x" }}', data)).toBe('d 0 true');
    expect(renderGoTemplate('{{ print "k/" .a.b }} {{ index . "m" "nope" }}{{/* comment */}}', data)).toBe('k/x <nil>');
  });

  test('errors where Go errors', () => {
    expect(() => renderGoTemplate('{{ hasPrefix .missing "x" }}', {})).toThrow(/expected string/);
    expect(() => renderGoTemplate('{{ .a.b }}', { a: null })).toThrow(/nil pointer/);
    expect(() => renderGoTemplate('{{ eq .a "1" }}', { a: 1 })).toThrow(/incompatible types/);
    expect(() => renderGoTemplate('{{ with .a }}x{{ end }}', {})).toThrow(/not implemented/);
  });
});
