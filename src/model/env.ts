/** Options for EnvValue.fromSecret / fromConfigMap. */
export interface EnvValueFromOptions {
  /** Whether the key may be missing. @default false */
  readonly optional?: boolean;
}

/**
 * The value of an environment variable. Secrets come by reference, so they never appear in the
 * synthesized YAML or in `kubectl describe`.
 */
export class EnvValue {
  /** A literal value. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value }, true);
  }

  /** A key of a Secret. */
  public static fromSecret(secretName: string, key: string, options: EnvValueFromOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key, optional: options.optional } } }, false);
  }

  /** A key of a ConfigMap. */
  public static fromConfigMap(configMapName: string, key: string, options: EnvValueFromOptions = {}): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key, optional: options.optional } } }, false);
  }

  /** A field of the pod, e.g. `metadata.name` or `status.podIP` (the downward API). */
  public static fromFieldPath(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } }, false);
  }

  private constructor(private readonly body: any, /** Whether the value is written in the manifest. */ public readonly isLiteral: boolean) {}

  /** The Kubernetes EnvVar for `name`. */
  public render(name: string): any {
    return { name, ...this.body };
  }
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// The names Polaris' sensitiveContainerEnvVar check treats as secrets.
const SENSITIVE = /(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)/i;

export function checkEnv(name: string, value: EnvValue): string | undefined {
  if (!ENV_NAME.test(name)) {
    return `env name "${name}" is not valid. Fix: use letters, digits, '_', '-' and '.', not starting with a digit.`;
  }
  if (value.isLiteral && SENSITIVE.test(name)) {
    return `env "${name}" looks like a secret but has a literal value, which would be stored in plain text in the manifest. Fix: use EnvValue.fromSecret(secretName, key).`;
  }
  return undefined;
}
