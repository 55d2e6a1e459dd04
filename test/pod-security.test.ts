import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import {
  checkPodSecurity,
  LATEST_POD_SECURITY_MINOR,
  parsePodSecurityVersion,
  POD_SECURITY_CHECKS,
  PodSecurityCheckId,
  podTemplateOf,
  PodSecurityViolation,
} from '../src/checks/pod-security';

// ---------------------------------------------------------------- upstream fixtures

const FIXTURES = path.join(__dirname, 'fixtures', 'pss');

interface FixtureSet {
  readonly level: 'baseline' | 'restricted';
  readonly dir: string;
  readonly minMinor: number;
  readonly maxMinor: number;
}
interface FixtureIndex {
  readonly latestMinor: number;
  readonly sets: readonly FixtureSet[];
}
interface Fixture {
  readonly file: string;
  readonly expect: 'pass' | 'fail';
  /** file name without the index: upstream's check ID, lowercased */
  readonly prefix: string;
  readonly pod: any;
}

const index: FixtureIndex = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'index.json'), 'utf8'));

function loadSet(set: FixtureSet): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const expect of ['pass', 'fail'] as const) {
    const dir = path.join(FIXTURES, set.dir, expect);
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.yaml')) continue;
      fixtures.push({
        file: `${set.dir}/${expect}/${file}`,
        expect,
        prefix: file.replace(/[0-9]*\.yaml$/, ''),
        pod: parse(fs.readFileSync(path.join(dir, file), 'utf8')),
      });
    }
  }
  return fixtures;
}

const CHECK_BY_PREFIX = new Map<string, PodSecurityCheckId>(
  POD_SECURITY_CHECKS.map((c) => [c.id.toLowerCase(), c.id]),
);

/**
 * The check a fail fixture must be reported under. At restricted, upstream replaces some
 * baseline checks by the restricted check that overrides them from that version on, so the
 * baseline-named fixture is caught by the restricted check.
 */
function expectedCheck(prefix: string, level: 'baseline' | 'restricted', minor: number): PodSecurityCheckId {
  const id = CHECK_BY_PREFIX.get(prefix);
  if (id === undefined) throw new Error(`fixture prefix ${prefix} names no known check`);
  if (level === 'restricted') {
    const overriding = POD_SECURITY_CHECKS.find((c) => c.overrides === id && minor >= c.revisions[0]);
    if (overriding) return overriding.id;
  }
  return id;
}

/**
 * Upstream derives each fail fixture from a passing pod by breaking one check, but API
 * validation forces some fixtures to break a second one too: a privileged container cannot set
 * allowPrivilegeEscalation: false, a Windows HostProcess pod must use hostNetwork, and one
 * allowPrivilegeEscalation fixture drops the container's whole securityContext (so also its
 * capabilities.drop). Those, and only those, may appear next to the fixture's own check.
 */
const COMPANIONS: Partial<Record<PodSecurityCheckId, readonly PodSecurityCheckId[]>> = {
  privileged: ['allowPrivilegeEscalation'],
  windowsHostProcess: ['hostNamespaces'],
  allowPrivilegeEscalation: ['capabilities_restricted'],
};

interface Case {
  readonly set: FixtureSet;
  readonly version: string;
  readonly minor: number;
}

const cases: Case[] = [];
for (const set of index.sets) {
  for (let minor = set.minMinor; minor <= set.maxMinor; minor++) cases.push({ set, version: `v1.${minor}`, minor });
  if (set.maxMinor === index.latestMinor) cases.push({ set, version: 'latest', minor: set.maxMinor });
}
const fixturesByDir = new Map(index.sets.map((s) => [s.dir, loadSet(s)]));

describe('upstream pod-security-admission fixtures', () => {
  test('the fixture index matches this implementation', () => {
    expect(index.latestMinor).toBe(LATEST_POD_SECURITY_MINOR);
    // every file prefix is a pass-only base pod or names a known check
    for (const fixtures of fixturesByDir.values()) {
      for (const f of fixtures) {
        if (/^base(_linux|_windows)?$/.test(f.prefix)) expect([f.file, f.expect]).toEqual([f.file, 'pass']);
        else expect([f.file, CHECK_BY_PREFIX.has(f.prefix)]).toEqual([f.file, true]);
      }
    }
  });

  test.each(cases.map((c) => [c.set.dir, c.version, c] as const))('%s at %s', (_dir, _version, c) => {
    const wrong: string[] = [];
    for (const f of fixturesByDir.get(c.set.dir)!) {
      const violations = checkPodSecurity(f.pod, c.set.level, c.version);
      if (f.expect === 'pass') {
        if (violations.length > 0) wrong.push(`${f.file}: expected pass, got ${describeAll(violations)}`);
        continue;
      }
      const want = expectedCheck(f.prefix, c.set.level, c.minor);
      if (!violations.some((v) => v.check === want)) {
        wrong.push(`${f.file}: expected a ${want} violation, got ${violations.length ? describeAll(violations) : 'none'}`);
      }
      // Anything beyond the fixture's own check is a false positive, except the companions
      // upstream cannot avoid (see COMPANIONS).
      const allowed = COMPANIONS[want] ?? [];
      const extra = violations.filter((v) => v.check !== want && !allowed.includes(v.check));
      if (extra.length > 0) wrong.push(`${f.file}: expected only ${want}, also got ${describeAll(extra)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('every minor from v1.0 to latest is covered at both levels', () => {
    for (const level of ['baseline', 'restricted'] as const) {
      const minors = cases.filter((c) => c.set.level === level && c.version !== 'latest').map((c) => c.minor);
      expect(minors).toEqual(Array.from({ length: LATEST_POD_SECURITY_MINOR + 1 }, (_, i) => i));
    }
  });

  test('privileged admits every fixture, at every version', () => {
    for (const fixtures of fixturesByDir.values()) {
      for (const f of fixtures) expect([f.file, checkPodSecurity(f.pod, 'privileged', 'v1.0')]).toEqual([f.file, []]);
    }
  });

  test('a fixture that fails baseline also fails restricted at the same version', () => {
    for (const set of index.sets.filter((s) => s.level === 'baseline')) {
      for (const f of fixturesByDir.get(set.dir)!.filter((x) => x.expect === 'fail')) {
        for (const version of [`v1.${set.minMinor}`, `v1.${set.maxMinor}`]) {
          expect([f.file, version, checkPodSecurity(f.pod, 'restricted', version).length > 0]).toEqual([f.file, version, true]);
        }
      }
    }
  });
});

function describeAll(violations: PodSecurityViolation[]): string {
  return violations.map((v) => `${v.check} @ ${v.field}: ${v.message}`).join('; ');
}

// ---------------------------------------------------------------- focused behaviour

/** A pod that passes restricted at every version; tests break one thing in a copy. */
function restrictedPod(): any {
  return {
    metadata: { name: 'web' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app',
        image: 'nginx',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

describe('checkPodSecurity', () => {
  test('the restricted template passes restricted at every version', () => {
    for (let minor = 0; minor <= LATEST_POD_SECURITY_MINOR; minor++) {
      expect([minor, checkPodSecurity(restrictedPod(), 'restricted', `v1.${minor}`)]).toEqual([minor, []]);
    }
  });

  test('NET_ADMIN under restricted: restricted capabilities check, only privileged allows it', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN'];
    expect(checkPodSecurity(pod, 'restricted')).toEqual([{
      check: 'capabilities_restricted',
      level: 'restricted',
      field: 'spec.containers[app].securityContext.capabilities.add',
      message: 'container "app" adds capability "NET_ADMIN"',
      fix: 'drop it, or add only NET_BIND_SERVICE; or run the pod in a namespace whose Pod Security level is "privileged"',
    }]);
  });

  test('NET_ADMIN under baseline: baseline capabilities check names the allowed set', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN', 'CHOWN'];
    const violations = checkPodSecurity(pod, 'baseline');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      check: 'capabilities_baseline',
      level: 'baseline',
      field: 'spec.containers[app].securityContext.capabilities.add',
      message: 'container "app" adds capability "NET_ADMIN"',
    });
    expect(violations[0].fix).toContain('remove "NET_ADMIN" from securityContext.capabilities.add');
    expect(violations[0].fix).toContain('SYS_CHROOT');
    expect(violations[0].fix).toContain('"privileged"');
  });

  test('a baseline-allowed capability fails restricted only, and the fix says baseline allows it', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.capabilities.add = ['CHOWN'];
    expect(checkPodSecurity(pod, 'baseline')).toEqual([]);
    const [v] = checkPodSecurity(pod, 'restricted');
    expect(v.check).toBe('capabilities_restricted');
    expect(v.fix).toContain('"baseline" or "privileged"');
  });

  test('before v1.22 restricted checks capabilities with the baseline rule', () => {
    const pod = restrictedPod();
    delete pod.spec.containers[0].securityContext.capabilities;
    expect(checkPodSecurity(pod, 'restricted', 'v1.21')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', 'v1.22').map((v) => [v.check, v.field])).toEqual([
      ['capabilities_restricted', 'spec.containers[app].securityContext.capabilities.drop'],
    ]);
    pod.spec.containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'] };
    expect(checkPodSecurity(pod, 'restricted', 'v1.21').map((v) => v.check)).toEqual(['capabilities_baseline']);
  });

  test('hostNetwork', () => {
    const pod = restrictedPod();
    pod.spec.hostNetwork = true;
    expect(checkPodSecurity(pod, 'baseline', 'v1.0')).toEqual([{
      check: 'hostNamespaces',
      level: 'baseline',
      field: 'spec.hostNetwork',
      message: 'pod sets hostNetwork: true',
      fix: 'remove spec.hostNetwork or set it to false; or run the pod in a namespace whose Pod Security level is "privileged"',
    }]);
    // a baseline violation is also reported at restricted, under the same check
    expect(checkPodSecurity(pod, 'restricted').map((v) => v.check)).toEqual(['hostNamespaces']);
  });

  test('runAsUser 0 is forbidden from v1.23, per pod and per container', () => {
    const pod = restrictedPod();
    pod.spec.securityContext.runAsUser = 0;
    pod.spec.initContainers = [{
      name: 'init',
      securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }];
    expect(checkPodSecurity(pod, 'restricted', 'v1.22')).toEqual([]);
    const violations = checkPodSecurity(pod, 'restricted', 'v1.23');
    expect(violations.map((v) => [v.check, v.level, v.field, v.message])).toEqual([
      ['runAsUser', 'restricted', 'spec.securityContext.runAsUser', 'pod sets runAsUser: 0'],
      ['runAsUser', 'restricted', 'spec.initContainers[init].securityContext.runAsUser', 'init container "init" sets runAsUser: 0'],
    ]);
    expect(violations[0].fix).toContain('non-zero UID');
    expect(checkPodSecurity(pod, 'baseline')).toEqual([]);
  });

  test('missing seccomp profile is one violation on the pod field, naming the containers', () => {
    const pod = restrictedPod();
    delete pod.spec.securityContext.seccompProfile;
    pod.spec.containers.push({
      name: 'sidecar',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(checkPodSecurity(pod, 'restricted', 'v1.18')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', 'v1.19')).toEqual([{
      check: 'seccompProfile_restricted',
      level: 'restricted',
      field: 'spec.securityContext.seccompProfile.type',
      message: 'seccompProfile is set neither on the pod nor on containers "app", "sidecar"',
      fix: 'set spec.securityContext.seccompProfile.type to "RuntimeDefault" (or "Localhost"), or set it on every container; '
        + 'or run the pod in a namespace whose Pod Security level is "baseline" or "privileged"',
    }]);
    // setting it on each container is as good as setting it on the pod
    for (const c of pod.spec.containers) c.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(checkPodSecurity(pod, 'restricted')).toEqual([]);
  });

  test('an explicitly Unconfined seccomp profile fails baseline from v1.19, the annotation before', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
    expect(checkPodSecurity(pod, 'baseline', 'v1.18')).toEqual([]);
    expect(checkPodSecurity(pod, 'baseline', 'v1.19').map((v) => [v.check, v.field, v.message])).toEqual([
      ['seccompProfile_baseline', 'spec.containers[app].securityContext.seccompProfile.type', 'container "app" sets seccompProfile type "Unconfined"'],
    ]);
    const annotated = restrictedPod();
    annotated.metadata.annotations = { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' };
    expect(checkPodSecurity(annotated, 'baseline', 'v1.18').map((v) => v.field)).toEqual([
      'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]',
    ]);
    expect(checkPodSecurity(annotated, 'baseline', 'v1.19')).toEqual([]);
    // the deprecated docker/default still counts as the runtime default; an empty value does not
    annotated.metadata.annotations = {
      'seccomp.security.alpha.kubernetes.io/pod': 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/app': '',
    };
    expect(checkPodSecurity(annotated, 'baseline', 'v1.18').map((v) => v.message)).toEqual([
      'annotation container.seccomp.security.alpha.kubernetes.io/app sets seccomp profile ""',
    ]);
  });

  test('privileged level allows a privileged container', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] } };
    pod.spec.hostPID = true;
    expect(checkPodSecurity(pod, 'privileged')).toEqual([]);
    expect(checkPodSecurity(pod, 'baseline').map((v) => [v.check, v.field])).toEqual([
      ['hostNamespaces', 'spec.hostPID'],
      ['privileged', 'spec.containers[app].securityContext.privileged'],
      ['capabilities_baseline', 'spec.containers[app].securityContext.capabilities.add'],
    ]);
  });

  test('ephemeral containers are checked and named by their list', () => {
    const pod = restrictedPod();
    pod.spec.ephemeralContainers = [{ name: 'debug', securityContext: { privileged: true } }];
    expect(checkPodSecurity(pod, 'baseline').map((v) => v.field)).toEqual([
      'spec.ephemeralContainers[debug].securityContext.privileged',
    ]);
  });

  test('sysctls: the allowlist grows with the version, and the fix says from when', () => {
    const pod = restrictedPod();
    pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 16777216' }, { name: 'kernel.msgmax', value: '1' }];
    const at31 = checkPodSecurity(pod, 'baseline', 'v1.31');
    expect(at31.map((v) => [v.check, v.field])).toEqual([
      ['sysctls', 'spec.securityContext.sysctls[net.ipv4.tcp_rmem]'],
      ['sysctls', 'spec.securityContext.sysctls[kernel.msgmax]'],
    ]);
    expect(at31[0].fix).toContain('v1.32 or later');
    expect(at31[1].fix).not.toContain('net.ipv4.tcp_rmem');
    expect(checkPodSecurity(pod, 'baseline', 'v1.32').map((v) => v.field)).toEqual(['spec.securityContext.sysctls[kernel.msgmax]']);
  });

  test('user namespaces relax procMount at baseline and runAsNonRoot/runAsUser at restricted from v1.35 only', () => {
    const pod = restrictedPod();
    pod.spec.hostUsers = false;
    pod.spec.securityContext = { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 0 };
    pod.spec.containers[0].securityContext.procMount = 'Unmasked';
    expect(checkPodSecurity(pod, 'baseline', 'v1.34').map((v) => v.check)).toEqual(['procMount']);
    expect(checkPodSecurity(pod, 'baseline', 'v1.35')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', 'v1.34').map((v) => v.check)).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
    expect(checkPodSecurity(pod, 'restricted', 'v1.35').map((v) => v.check)).toEqual(['procMount_restricted']);
  });

  test('Windows pods are exempt from the Linux-only restricted checks from v1.25', () => {
    const pod = { spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'win' }] } };
    expect(checkPodSecurity(pod, 'restricted', 'v1.25')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', 'v1.24').map((v) => v.check).sort()).toEqual([
      'allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted',
    ]);
  });

  test('restricted volumes: hostPath is reported once, by restrictedVolumes; a volume without a source is emptyDir', () => {
    const pod = restrictedPod();
    pod.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }, { name: 'nfs', nfs: { server: 's', path: '/' } }, { name: 'scratch' }];
    expect(checkPodSecurity(pod, 'baseline').map((v) => [v.check, v.field, v.message])).toEqual([
      ['hostPathVolumes', 'spec.volumes[logs].hostPath', 'volume "logs" mounts host path "/var/log"'],
    ]);
    const restricted = checkPodSecurity(pod, 'restricted');
    expect(restricted.map((v) => [v.check, v.field])).toEqual([
      ['restrictedVolumes', 'spec.volumes[logs].hostPath'],
      ['restrictedVolumes', 'spec.volumes[nfs].nfs'],
    ]);
    expect(restricted[0].fix).toMatch(/"privileged"$/);
    expect(restricted[1].fix).toMatch(/"baseline" or "privileged"$/);
  });

  // Version boundaries upstream's fixtures do not pin (their sets do not change there).
  test('SELinux: container_engine_t is allowed from v1.31; user and role never', () => {
    const pod = restrictedPod();
    pod.spec.securityContext.seLinuxOptions = { type: 'container_engine_t', level: 's0:c1,c2' };
    const at30 = checkPodSecurity(pod, 'baseline', 'v1.30');
    expect(at30.map((v) => [v.check, v.field, v.message])).toEqual([
      ['seLinuxOptions', 'spec.securityContext.seLinuxOptions.type', 'pod sets SELinux type "container_engine_t"'],
    ]);
    expect(at30[0].fix).toContain('v1.31 or later');
    expect(checkPodSecurity(pod, 'baseline', 'v1.31')).toEqual([]);
    pod.spec.containers[0].securityContext.seLinuxOptions = { user: 'sysadm_u', role: 'sysadm_r' };
    expect(checkPodSecurity(pod, 'baseline', 'v1.31').map((v) => v.field)).toEqual([
      'spec.containers[app].securityContext.seLinuxOptions.user',
      'spec.containers[app].securityContext.seLinuxOptions.role',
    ]);
  });

  test('probe and lifecycle hosts are forbidden from v1.34, even localhost', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].readinessProbe = { httpGet: { host: '127.0.0.1', port: 8080 } };
    pod.spec.containers[0].lifecycle = { preStop: { tcpSocket: { host: 'db', port: 5432 } } };
    expect(checkPodSecurity(pod, 'baseline', 'v1.33')).toEqual([]);
    expect(checkPodSecurity(pod, 'baseline', 'v1.34').map((v) => [v.check, v.field, v.message])).toEqual([
      ['hostProbesAndHostLifecycle', 'spec.containers[app].readinessProbe.httpGet.host', 'container "app" readinessProbe.httpGet targets host "127.0.0.1"'],
      ['hostProbesAndHostLifecycle', 'spec.containers[app].lifecycle.preStop.tcpSocket.host', 'container "app" lifecycle.preStop.tcpSocket targets host "db"'],
    ]);
  });

  test('allowPrivilegeEscalation is required from v1.8', () => {
    const pod = restrictedPod();
    delete pod.spec.containers[0].securityContext.allowPrivilegeEscalation;
    expect(checkPodSecurity(pod, 'restricted', 'v1.7')).toEqual([]);
    expect(checkPodSecurity(pod, 'restricted', 'v1.8').map((v) => [v.field, v.message])).toEqual([
      ['spec.containers[app].securityContext.allowPrivilegeEscalation', 'container "app" does not set allowPrivilegeEscalation: false'],
    ]);
  });

  test('image volumes pass restricted at every version, as upstream patched the v1.0 rule', () => {
    const pod = restrictedPod();
    pod.spec.volumes = [{ name: 'models', image: { reference: 'registry.example/models:1' } }];
    expect(checkPodSecurity(pod, 'restricted', 'v1.0')).toEqual([]);
  });

  test('AppArmor: the field is checked at every version, Unconfined fails, annotations too', () => {
    const pod = restrictedPod();
    pod.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' };
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    expect(checkPodSecurity(pod, 'baseline', 'v1.0').map((v) => [v.check, v.field])).toEqual([
      ['appArmorProfile', 'spec.containers[app].securityContext.appArmorProfile.type'],
      ['appArmorProfile', 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]'],
    ]);
    pod.spec.containers[0].securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-nginx' };
    pod.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'runtime/default';
    // an empty annotation means "no profile requested", which upstream allows
    pod.metadata.annotations['container.apparmor.security.beta.kubernetes.io/other'] = '';
    expect(checkPodSecurity(pod, 'baseline')).toEqual([]);
  });

  test('versions newer than the latest policy behave as the latest', () => {
    const pod = restrictedPod();
    pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }];
    expect(checkPodSecurity(pod, 'baseline', 'v1.36')).toHaveLength(1);
    expect(checkPodSecurity(pod, 'baseline', 'v1.99')).toEqual([]);
    expect(checkPodSecurity(pod, 'baseline')).toEqual([]);
  });

  test('does not modify its input', () => {
    const pod = restrictedPod();
    pod.spec.hostIPC = true;
    pod.spec.containers[0].securityContext.capabilities.add = ['NET_RAW'];
    const before = JSON.stringify(pod);
    checkPodSecurity(pod, 'restricted');
    expect(JSON.stringify(pod)).toBe(before);
  });

  test('rejects an unknown level', () => {
    expect(() => checkPodSecurity(restrictedPod(), 'Restricted' as any)).toThrow(/invalid Pod Security level "Restricted"/);
  });
});

describe('parsePodSecurityVersion', () => {
  test('accepts latest, v1.N and 1.N', () => {
    expect(parsePodSecurityVersion('latest')).toBe(LATEST_POD_SECURITY_MINOR);
    expect(parsePodSecurityVersion('v1.0')).toBe(0);
    expect(parsePodSecurityVersion('v1.29')).toBe(29);
    expect(parsePodSecurityVersion('1.29')).toBe(29);
  });

  test.each(['', 'v1', 'v2.0', 'v1.', 'v1.01', 'v1.29.0', 'Latest', 'v1.x', ' v1.29'])('rejects %j', (v) => {
    expect(() => parsePodSecurityVersion(v)).toThrow(`invalid Pod Security version ${JSON.stringify(v)}: expected "latest" or "v1.<minor>"`);
  });

  test('checkPodSecurity rejects a bad version even at privileged', () => {
    expect(() => checkPodSecurity({}, 'privileged', 'v2.1')).toThrow(/invalid Pod Security version "v2.1"/);
  });
});

describe('podTemplateOf', () => {
  const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } };

  test.each([
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'ReplicaSet'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'DaemonSet'],
    ['batch/v1', 'Job'],
    ['v1', 'ReplicationController'],
  ])('%s %s: spec.template', (apiVersion, kind) => {
    expect(podTemplateOf({ apiVersion, kind, spec: { template } })).toBe(template);
  });

  test('CronJob: spec.jobTemplate.spec.template', () => {
    expect(podTemplateOf({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } })).toBe(template);
  });

  test('Pod: the pod itself', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', ...template };
    expect(podTemplateOf(pod)).toBe(pod);
  });

  test('other kinds, look-alike CRDs and template-less workloads give undefined', () => {
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Service', spec: { template } })).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', spec: { template } })).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: {} })).toBeUndefined();
    expect(podTemplateOf(null)).toBeUndefined();
    expect(podTemplateOf('Deployment')).toBeUndefined();
  });

  test('a workload template is checked like a pod', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'app', securityContext: { privileged: true } }] } } },
    };
    expect(checkPodSecurity(podTemplateOf(deployment)!, 'baseline').map((v) => v.field)).toEqual([
      'spec.containers[app].securityContext.privileged',
    ]);
  });
});
