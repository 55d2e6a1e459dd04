import { checkConfigMapKey, checkDnsSubdomain, isQualifiedName, parseQuantity } from '../core/validate';

/** Options for EnvValue.fromSecret / fromConfigMap. */
export interface EnvValueFromOptions {
  /** Whether the key may be missing. @default false */
  readonly optional?: boolean;
}

/** Options for EnvValue.fromResource. */
export interface EnvValueFromResourceOptions {
  /**
   * Unit the value is given in: "1m" or "1" for CPU; "1", "1Ki", "1Mi", "1Gi"… or "1k", "1M", "1G"… for memory and storage.
   * @default "1"
   */
  readonly divisor?: string;
}

/**
 * The value of an environment variable. Secrets come by reference, so they never appear in the
 * synthesized YAML or in `kubectl describe`.
 */
export class EnvValue {
  /** A literal value. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value }, true, typeof value === 'string' ? undefined
      : `EnvValue.fromValue() value must be a string, got ${value === null ? 'null' : `${typeof value} ${String(value)}`}. Fix: pass text, e.g. "${String(value)}" (Kubernetes env values are strings).`);
  }

  /** A key of a Secret. */
  public static fromSecret(secretName: string, key: string, options: EnvValueFromOptions = {}): EnvValue {
    const o = options ?? {};
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional: o.optional } } }, false,
      keyRefProblem('Secret', secretName, key, o));
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, options: EnvValueFromOptions = {}): EnvValue {
    const o = options ?? {};
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: o.optional } } }, false,
      keyRefProblem('ConfigMap', configMapName, key, o));
  }

  /**
   * A field of the pod (the downward API): `metadata.name`, `metadata.namespace`, `metadata.uid`,
   * `metadata.labels['<key>']`, `metadata.annotations['<key>']`, `spec.nodeName`,
   * `spec.serviceAccountName`, `status.hostIP`, `status.hostIPs`, `status.podIP` or `status.podIPs`.
   */
  public static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } }, false, fieldPathProblem(fieldPath));
  }

  /**
   * A request or limit of the app container (the downward API): `requests.cpu`, `limits.memory`,
   * `requests.ephemeral-storage`, `limits.hugepages-2Mi`…, in units of `divisor`.
   */
  public static fromResource(resource: string, options: EnvValueFromResourceOptions = {}): EnvValue {
    const o = options ?? {};
    return new EnvValue({ valueFrom: { resourceFieldRef: { resource, divisor: o.divisor } } }, false, resourceProblem(resource, o.divisor));
  }

  private constructor(
    private readonly body: any,
    /** Whether the value is written in the manifest. */ public readonly isLiteral: boolean,
    private readonly problem?: string,
  ) {}

  /**
   * What is wrong with the reference, if anything, for env var `name`.
   * @internal
   */
  public _problem(name: string): string | undefined {
    return this.problem && `env "${name}": ${this.problem}`;
  }

  /** The Kubernetes EnvVar for `name`. */
  public render(name: string): any {
    return { name, ...this.body };
  }
}

function keyRefProblem(kind: string, name: unknown, key: unknown, options: EnvValueFromOptions): string | undefined {
  if (typeof name !== 'string') return `EnvValue.from${kind}() name must be a string, got ${name === null ? 'null' : typeof name}. Fix: pass the ${kind}'s name as text.`;
  if (options.optional !== undefined && typeof options.optional !== 'boolean') return `EnvValue.from${kind}() optional must be true or false, got ${typeof options.optional}. Fix: pass a boolean.`;
  return checkDnsSubdomain(`${kind} name`, name) ?? checkConfigMapKey(`${kind} "${name}" key`, key);
}

// What the downward API serves to env vars (Kubernetes' validEnvDownwardAPIFieldPathExpressions).
const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const SUBSCRIPTED = /^metadata\.(labels|annotations)\['(.*)'\]$/;

function fieldPathProblem(fieldPath: unknown): string | undefined {
  if (typeof fieldPath !== 'string') return `EnvValue.fromFieldPath() path must be a string, got ${fieldPath === null ? 'null' : typeof fieldPath}. Fix: pass e.g. "metadata.name".`;
  if (FIELD_PATHS.includes(fieldPath)) return undefined;
  const sub = SUBSCRIPTED.exec(fieldPath);
  if (sub) {
    // Annotation keys are compared lowercased by the API server.
    const key = sub[1] === 'annotations' ? sub[2].toLowerCase() : sub[2];
    return isQualifiedName(key) ? undefined
      : `fieldPath "${fieldPath}" names ${sub[1] === 'labels' ? 'label' : 'annotation'} key "${sub[2]}", which is not a valid key. Fix: use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', e.g. "metadata.${sub[1]}['app.kubernetes.io/name']".`;
  }
  return `fieldPath "${fieldPath}" is not one the downward API serves to environment variables. Fix: use ${FIELD_PATHS.slice(0, 3).join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>'], ${FIELD_PATHS.slice(3).join(', ')}${fieldPath === 'metadata.labels' || fieldPath === 'metadata.annotations' ? ` (all ${fieldPath.slice(9)} at once only as a downward API file)` : ''}.`;
}

const RESOURCES = ['requests.cpu', 'limits.cpu', 'requests.memory', 'limits.memory', 'requests.ephemeral-storage', 'limits.ephemeral-storage'];
const HUGEPAGES = /^(requests|limits)\.hugepages-(.+)$/;
const CPU_DIVISORS = ['1m', '1'];
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

function resourceProblem(resource: unknown, divisor: unknown): string | undefined {
  if (typeof resource !== 'string') return `EnvValue.fromResource() resource must be a string, got ${resource === null ? 'null' : typeof resource}. Fix: pass e.g. "limits.memory".`;
  const huge = HUGEPAGES.exec(resource);
  if (!RESOURCES.includes(resource) && !(huge && parseQuantity(huge[2]) !== undefined)) {
    return `resource "${resource}" is not one the downward API serves. Fix: use ${RESOURCES.join(', ')}, or requests.hugepages-<size> / limits.hugepages-<size>.`;
  }
  if (divisor === undefined) return undefined;
  const allowed = resource.endsWith('.cpu') ? CPU_DIVISORS : BYTE_DIVISORS;
  if (typeof divisor !== 'string') return `EnvValue.fromResource() divisor must be a string, got ${divisor === null ? 'null' : typeof divisor}. Fix: pass e.g. "${allowed[allowed.length > 2 ? 9 : 0]}".`;
  // Compared by value, as the API server does ("1000m" is "1").
  const value = parseQuantity(divisor);
  if (value !== undefined && allowed.some((d) => parseQuantity(d) === value)) return undefined;
  return `divisor "${divisor}" of resource "${resource}" is not a unit Kubernetes allows for it. Fix: use one of ${allowed.map((d) => `"${d}"`).join(', ')}.`;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// The names Polaris' sensitiveContainerEnvVar check treats as secrets.
const SENSITIVE = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)/i;

export function checkEnv(name: string, value: EnvValue): string | undefined {
  if (!ENV_NAME.test(name)) {
    return `env name "${name}" is not valid. Fix: use letters, digits, '_', '-' and '.', not starting with a digit.`;
  }
  const ref = value._problem(name);
  if (ref) return ref;
  if (value.isLiteral && SENSITIVE.test(name)) {
    return `env "${name}" looks like a secret but has a literal value, which would be stored in plain text in the manifest. Fix: use EnvValue.fromSecret(secretName, key).`;
  }
  return undefined;
}
