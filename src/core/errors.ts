import { IConstruct } from 'constructs';

/**
 * Thrown for bad input. The message starts with the construct path so that, in an app with
 * hundreds of workloads, the user knows which one to fix.
 */
class SecureConfigErrorImpl extends Error {
  constructor(public readonly path: string, public readonly problems: string[]) {
    super(problems.length === 1
      ? `[${path}] ${problems[0]}`
      : `[${path}] ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SecureConfigError';
  }
}

// The class prints under its public name (`console.log(err.constructor)`, stack headers).
Object.defineProperty(SecureConfigErrorImpl, 'name', { value: 'SecureConfigError' });

/** Thrown for bad input (TypeScript/JavaScript only: jsii cannot model Error subclasses). */
export const SecureConfigError = SecureConfigErrorImpl;
/** An instance of SecureConfigError. */
export type SecureConfigError = SecureConfigErrorImpl;

/** The path a construct will have, known before it is created. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/**
 * Throws one error listing every problem found. Constructs call it before `super()`, so a user
 * fixes all problems in one round and no half-built construct is left in the tree.
 */
export function throwIfProblems(path: string, problems: Array<string | undefined>): void {
  const real = problems.filter((p): p is string => p !== undefined);
  if (real.length > 0) throw new SecureConfigError(path, real);
}
