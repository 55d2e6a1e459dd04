/**
 * Seeded random pods for differential Pod Security tests: a base pod (restricted-compliant,
 * minimal, or Windows) with a few mutations of the fields Pod Security Admission looks at. Each
 * mutation draws from values that pass and values that fail, so both sides of every check are hit.
 */

/** mulberry32: small, fast and deterministic for a given seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

// `undefined` removes the field, so "absent" is one of the drawn values.
const BOOL = [true, false, undefined];
const UIDS = [0, 1, 1000, 65534, undefined];
const SECCOMP = [
  { type: 'RuntimeDefault' }, { type: 'Localhost', localhostProfile: 'profiles/app.json' }, { type: 'Unconfined' }, { type: 'Localhost' },
  undefined,
];
const APPARMOR = [{ type: 'RuntimeDefault' }, { type: 'Localhost', localhostProfile: 'k8s-app' }, { type: 'Unconfined' }, undefined];
const SELINUX = [
  { type: 'container_t' }, { type: 'container_init_t' }, { type: 'container_kvm_t' }, { type: 'container_engine_t' },
  { type: 'spc_t' }, { type: 'unconfined_t' }, { level: 's0:c123,c456' }, { user: 'system_u' }, { role: 'system_r' }, {}, undefined,
];
// Capabilities are free strings to the API, so spellings a check could mistake are drawn too.
const CAPS = [
  'NET_BIND_SERVICE', 'NET_ADMIN', 'NET_RAW', 'CHOWN', 'SYS_ADMIN', 'KILL', 'AUDIT_WRITE', 'SETUID', 'SYS_TIME', 'ALL',
  'CAP_NET_BIND_SERVICE', 'net_bind_service', 'CAP_SYS_ADMIN',
];
const SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'kernel.msgmax',
  'vm.overcommit_memory', 'net.core.somaxconn', 'net/ipv4/ip_local_port_range', 'kernel/shm_rmid_forced',
];
const APPARMOR_ANNOTATION = ['runtime/default', 'localhost/k8s-app', 'unconfined', ''];
const SECCOMP_ANNOTATION = ['runtime/default', 'docker/default', 'localhost/app.json', 'unconfined', ''];
const VOLUMES: any[] = [
  { emptyDir: {} }, { configMap: { name: 'c' } }, { secret: { secretName: 's' } }, { downwardAPI: { items: [] } },
  { projected: { sources: [] } }, { persistentVolumeClaim: { claimName: 'p' } }, { csi: { driver: 'd' } },
  { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } },
  { hostPath: { path: '/var/run' } }, { nfs: { server: 'nfs', path: '/' } }, { gcePersistentDisk: { pdName: 'd' } },
  { iscsi: { targetPortal: 't:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } }, { image: { reference: 'registry/data:1' } },
];
const PROC_MOUNT = ['Default', 'Unmasked', undefined];
const PROBE_HOSTS = ['', '127.0.0.1', 'example.com', undefined];

function set(obj: any, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function sc(obj: any): any {
  obj.securityContext ??= {};
  return obj.securityContext;
}

function allContainers(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
}

const restrictedContainer = (name: string): any => ({
  name, image: 'registry/app:1',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
});

function basePod(r: Rand): any {
  switch (pick(r, ['restricted', 'restricted', 'minimal', 'windows'] as const)) {
    case 'restricted':
      return {
        metadata: { name: 'p' },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [restrictedContainer('app')],
        },
      };
    case 'minimal':
      return { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'registry/app:1' }] } };
    case 'windows':
      return {
        metadata: { name: 'p' },
        spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'registry/app:1' }] },
      };
  }
}

type Mutation = (pod: any, r: Rand) => void;

const MUTATIONS: Mutation[] = [
  // another container of each kind, restricted or bare, so per-container checks see several
  (p, r) => { (p.spec.initContainers ??= []).push(r() < 0.5 ? restrictedContainer(`init${p.spec.initContainers.length}`) : { name: `init${p.spec.initContainers.length}`, image: 'i:1' }); },
  (p, r) => { p.spec.containers.push(r() < 0.5 ? restrictedContainer(`side${p.spec.containers.length}`) : { name: `side${p.spec.containers.length}`, image: 's:1' }); },
  (p, r) => { (p.spec.ephemeralContainers ??= []).push(r() < 0.5 ? restrictedContainer(`debug${p.spec.ephemeralContainers.length}`) : { name: `debug${p.spec.ephemeralContainers.length}`, image: 'd:1' }); },
  // pod level
  (p, r) => { set(p.spec, pick(r, ['hostNetwork', 'hostPID', 'hostIPC']), pick(r, BOOL)); },
  (p, r) => { set(p.spec, 'hostUsers', pick(r, BOOL)); },
  (p, r) => { set(sc(p.spec), 'runAsNonRoot', pick(r, BOOL)); },
  (p, r) => { set(sc(p.spec), 'runAsUser', pick(r, UIDS)); },
  (p, r) => { set(sc(p.spec), 'seccompProfile', pick(r, SECCOMP)); },
  (p, r) => { set(sc(p.spec), 'appArmorProfile', pick(r, APPARMOR)); },
  (p, r) => { set(sc(p.spec), 'seLinuxOptions', pick(r, SELINUX)); },
  (p, r) => { set(sc(p.spec), 'windowsOptions', r() < 0.7 ? { hostProcess: pick(r, [true, false]) } : undefined); },
  (p, r) => { (sc(p.spec).sysctls ??= []).push({ name: pick(r, SYSCTLS), value: '1' }); },
  (p, r) => { set(p.spec, 'os', pick(r, [{ name: 'linux' }, { name: 'windows' }, undefined])); },
  (p, r) => { (p.spec.volumes ??= []).push({ name: `v${p.spec.volumes.length}`, ...structuredClone(pick(r, VOLUMES)) }); },
  (p, r) => {
    // sometimes for a container the pod does not have, which no check may count
    const name = r() < 0.85 ? pick(r, allContainers(p.spec)).name : 'ghost';
    p.metadata.annotations = { ...p.metadata.annotations, [`container.apparmor.security.beta.kubernetes.io/${name}`]: pick(r, APPARMOR_ANNOTATION) };
  },
  (p, r) => {
    const key = r() < 0.5 ? 'seccomp.security.alpha.kubernetes.io/pod' : `container.seccomp.security.alpha.kubernetes.io/${pick(r, allContainers(p.spec)).name}`;
    p.metadata.annotations = { ...p.metadata.annotations, [key]: pick(r, SECCOMP_ANNOTATION) };
  },
  // container level, on one container of any kind
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'privileged', pick(r, BOOL)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'allowPrivilegeEscalation', pick(r, BOOL)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'runAsNonRoot', pick(r, BOOL)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'runAsUser', pick(r, UIDS)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'seccompProfile', pick(r, SECCOMP)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'appArmorProfile', pick(r, APPARMOR)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'seLinuxOptions', pick(r, SELINUX)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'procMount', pick(r, PROC_MOUNT)); },
  (p, r) => { set(sc(pick(r, allContainers(p.spec))), 'windowsOptions', r() < 0.7 ? { hostProcess: pick(r, [true, false]) } : undefined); },
  (p, r) => {
    const caps = (sc(pick(r, allContainers(p.spec))).capabilities ??= {});
    (caps.add ??= []).push(pick(r, CAPS));
  },
  (p, r) => {
    const caps = (sc(pick(r, allContainers(p.spec))).capabilities ??= {});
    set(caps, 'drop', pick(r, [['ALL'], ['all'], ['NET_RAW'], ['ALL', 'NET_RAW'], [], undefined]));
  },
  (p, r) => {
    const c = pick(r, allContainers(p.spec));
    c.ports = [{ containerPort: 8080, ...(r() < 0.6 ? { hostPort: pick(r, [0, 8080, 80]) } : {}) }];
  },
  (p, r) => {
    const c = pick(r, allContainers(p.spec));
    const host = pick(r, PROBE_HOSTS);
    const handler = r() < 0.5 ? { httpGet: { port: 8080, ...(host !== undefined ? { host } : {}) } } : { tcpSocket: { port: 8080, ...(host !== undefined ? { host } : {}) } };
    const field = pick(r, ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const);
    if (field === 'lifecycle') c.lifecycle = { [pick(r, ['postStart', 'preStop'])]: handler };
    else c[field] = handler;
  },
];

export interface RandomPod {
  readonly seed: number;
  readonly pod: { metadata: any; spec: any };
  /** how many mutations were applied to the base pod */
  readonly mutations: number;
}

/** `count` pods from `seed`: each a base pod with 1 to 5 mutations. */
export function randomPods(seed: number, count: number): RandomPod[] {
  const r = rng(seed);
  const pods: RandomPod[] = [];
  for (let i = 0; i < count; i++) {
    const pod = basePod(r);
    const n = 1 + Math.floor(r() * 5);
    for (let k = 0; k < n; k++) pick(r, MUTATIONS)(pod, r);
    pods.push({ seed, pod, mutations: n });
  }
  return pods;
}
