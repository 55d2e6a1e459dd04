/**
 * The declared shape of the pod props every workload kind shares, and of SecureApp's own props,
 * for the JavaScript-boundary check (`core/prop-schema.ts`).
 */
import { arrayOf, bool, int, mapOf, obj, oneOf, Schema, schemaProblems, str } from '../core/prop-schema';
import { AppArmorProfile } from './apparmor';
import { DeploymentStrategy } from './deployment-strategy';
import { EnvValue } from './env';
import { MountedFiles } from './files';
import { PreStop } from './lifecycle';
import { Probe } from './probe';

const PORT = int();
const PROTOCOL = oneOf('TCP', 'UDP', 'SCTP');
const UID = int();
const range = obj({ request: str, limit: str });
// Kubernetes' appProtocol: an IANA service name, or a domain-prefixed name ("kubernetes.io/h2c").
const APP_PROTOCOL: Schema = {
  kind: 'pattern',
  re: /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
  rule: 'a valid appProtocol (an IANA service name such as "http", or a domain-prefixed name)',
  example: 'kubernetes.io/h2c',
};

const PORTS = arrayOf(obj({ name: str, port: PORT, protocol: PROTOCOL, servicePort: PORT, appProtocol: APP_PROTOCOL, exposeOnService: bool }, ['name', 'port']));
const PROBE: Schema = { kind: 'instance', is: (v) => v instanceof Probe, name: 'Probe', make: 'Probe.httpGet(), tcpSocket(), grpc() or exec()' };
const PRE_STOP: Schema = { kind: 'instance', is: (v) => v instanceof PreStop, name: 'PreStop', make: 'PreStop.exec(), PreStop.sleep() or PreStop.httpGet()' };
const CONTAINER_RELAX = { addCapabilities: arrayOf(str), allowPrivilegeEscalation: bool, privileged: bool, writableRootFilesystem: bool };
// What the app container, its init containers and its sidecars all take.
const CONTAINER_FIELDS: { [name: string]: Schema } = {
  image: str,
  command: arrayOf(str),
  args: arrayOf(str),
  env: mapOf({ kind: 'instance', is: (v) => v instanceof EnvValue, name: 'EnvValue', make: 'EnvValue.fromValue(), fromSecret(), fromConfigMap() or fromFieldPath()' }),
  files: arrayOf({ kind: 'instance', is: (v) => v instanceof MountedFiles, name: 'MountedFiles', make: 'MountedFiles.fromConfigMap() or MountedFiles.fromSecret()' }),
  writableDirs: arrayOf(obj({ path: str, sizeLimit: str }, ['path'])),
  resources: obj({ cpu: range, memory: range, ephemeralStorage: range }),
};
const INIT_CONTAINER_FIELDS: { [name: string]: Schema } = { name: str, ...CONTAINER_FIELDS, relax: obj(CONTAINER_RELAX) };
const SIDECAR_FIELDS: { [name: string]: Schema } = {
  ...INIT_CONTAINER_FIELDS, ports: PORTS, readiness: PROBE, liveness: PROBE, startup: PROBE, preStop: PRE_STOP,
};

/** Fields of the pod props (`PodProps`). */
export const POD_PROPS_FIELDS: { [name: string]: Schema } = {
  image: str,
  serviceName: str,
  serviceAccountName: str,
  port: PORT,
  portName: str,
  appProtocol: APP_PROTOCOL,
  ports: PORTS,
  ...CONTAINER_FIELDS,
  readiness: PROBE,
  liveness: PROBE,
  startup: PROBE,
  preStop: PRE_STOP,
  terminationGracePeriodSeconds: int(),
  initContainers: arrayOf(obj(INIT_CONTAINER_FIELDS, ['name', 'image'])),
  sidecars: arrayOf(obj(SIDECAR_FIELDS, ['name', 'image'])),
  tolerations: arrayOf(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int(-(2 ** 53 - 1), 2 ** 53 - 1) })),
  nodeSelector: mapOf(str),
  nodeAffinity: arrayOf(obj({ key: str, operator: str, values: arrayOf(str) }, ['key', 'operator'])),
  priorityClassName: str,
  runtimeClassName: str,
  hostUsers: bool,
  appArmorProfile: { kind: 'instance', is: (v) => v instanceof AppArmorProfile, name: 'AppArmorProfile', make: 'AppArmorProfile.runtimeDefault() or AppArmorProfile.localhost(name)' },
  version: str,
  partOf: str,
  requireDigest: bool,
  securityContext: obj({ runAsUser: UID, runAsGroup: UID, fsGroup: UID }),
  relax: obj({
    ...CONTAINER_RELAX,
    seccompUnconfined: bool, hostNetwork: bool, hostPID: bool, hostIPC: bool, mountServiceAccountToken: bool,
    hostPaths: arrayOf(obj({ path: str, mountPath: str }, ['path', 'mountPath'])),
  }),
};

/** Fields only SecureApp (and what builds on it) has. */
export const SECURE_APP_FIELDS: { [name: string]: Schema } = {
  name: str,
  appName: str,
  replicas: int(),
  autoscaling: obj({ minReplicas: int(), maxReplicas: int(), targetCpuUtilizationPercent: int() }, ['maxReplicas']),
  serviceType: str,
  strategy: { kind: 'instance', is: (v) => v instanceof DeploymentStrategy, name: 'DeploymentStrategy', make: 'DeploymentStrategy.rollingUpdate() or DeploymentStrategy.recreate()' },
  // SecureStatefulSet's too: one shape for both kinds.
  persistentDirs: arrayOf(obj({ path: str, size: str, storageClassName: str, accessMode: str, name: str, claimName: str }, ['path'])),
  labels: mapOf(str),
  podAnnotations: mapOf(str),
  mesh: bool,
};

/** Problems with the shape of `props` given the fields (pod props, plus a kind's own), at the JS boundary. */
export function propsShapeProblems(props: unknown, fields: { [name: string]: Schema }, required: string[] = []): string[] {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    return [`props must be an object, got ${props === null ? 'null' : Array.isArray(props) ? 'an array' : typeof props}. Fix: pass { image: "…", … }.`];
  }
  return schemaProblems('props', props, obj(fields, required)).map((p) => p.replace(/^props\./, ''));
}
