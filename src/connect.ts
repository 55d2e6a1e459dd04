import { Construct } from 'constructs';
import { SecureConfigError } from './core/errors';
import { openForeignSides } from './foreign-peers';
import { ConnectionOptions, expandGroup, resolveConnection } from './model/connection';
import type { IPeer } from './model/peer';

/**
 * Records the intent `from` → `to` on every workload of this library involved, or fails naming
 * `path`. A SecureService on either end is each workload behind it; every connection is resolved
 * before any is recorded, so a bad port on one member records nothing.
 */
export function connectPeers(path: string, from: IPeer, to: IPeer, options: ConnectionOptions): void {
  const resolved = expandGroup(from, to, options ?? {}).map((e) => resolveConnection(e.from, e.to, e.options));
  const problems = [...new Set(resolved.filter((r) => !r.connection).map((r) => r.problem!))];
  if (problems.length) throw new SecureConfigError(path, problems);
  for (const { connection: c } of resolved) {
    c!.from.workload?.recordConnection(c!);
    if (c!.to.workload !== c!.from.workload) c!.to.workload?.recordConnection(c!);
    // The end that is ours opens the other side when that is a cdk8s-plus workload.
    const own = c!.from.workload ? c!.from : c!.to;
    if (own.workload && Construct.isConstruct(own.workload)) openForeignSides(own.workload, own.workload.name, own, c!);
  }
}
