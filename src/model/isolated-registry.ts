/**
 * The names of the app's IsolatedNamespaces, so a construct can tell whether a namespace it did
 * not make is under a default-deny. Keyed by the root, so no tree search is needed.
 */
import { IConstruct } from 'constructs';

const names = new WeakMap<IConstruct, Set<string>>();

/** Records that `scope`'s app has an IsolatedNamespace `name`. */
export function registerIsolatedNamespace(scope: IConstruct, name: string): void {
  const root = scope.node.root;
  const set = names.get(root) ?? new Set<string>();
  set.add(name);
  names.set(root, set);
}

/** Whether `scope`'s app has an IsolatedNamespace named `name`. */
export function isIsolatedNamespace(scope: IConstruct, name: string | undefined): boolean {
  return name !== undefined && (names.get(scope.node.root)?.has(name) ?? false);
}
