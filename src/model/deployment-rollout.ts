import { DEFAULT_REPLICAS } from '../core/defaults';
import type { SecureAppProps } from './app-props';
import { DeploymentStrategy } from './deployment-strategy';
import { claimNames, claimQuota, claimsDescribed, isSingleWriter, persistentDirProblems } from './persistent-dirs';
import { PersistentAccessMode, PersistentDir } from './stateful-options';

// How a Deployment rolls out, given its persistent dirs: a single-writer volume (ReadWriteOnce,
// ReadWriteOncePod) admits one pod, so it forces one replica and Recreate. Pure functions of the
// props, read by SecureApp for its problems, its Deployment, its claims and its quota footprint.

/** The first persistent dir only one pod may write, with its index. */
function singleWriter(p: SecureAppProps): { dir: PersistentDir; index: number } | undefined {
  const dirs = p.persistentDirs ?? [];
  const index = dirs.findIndex(isSingleWriter);
  return index < 0 ? undefined : { dir: dirs[index], index };
}

/** Replicas when none are given: 1 when a single-writer volume is mounted, else the default 2. */
export function deploymentReplicas(p: SecureAppProps): number {
  return p.replicas ?? (singleWriter(p) ? 1 : DEFAULT_REPLICAS);
}

/**
 * The strategy the Deployment gets: the user's, Recreate when a single-writer volume is mounted,
 * else `undefined` (the library's default rolling update, written as it always was).
 */
export function deploymentStrategy(p: SecureAppProps): DeploymentStrategy | undefined {
  return p.strategy ?? (singleWriter(p) ? DeploymentStrategy.recreate() : undefined);
}

/** The problems of `strategy` and `persistentDirs`, and of replicas against a single-writer volume. */
export function rolloutProblems(p: SecureAppProps, mountPaths: readonly string[]): string[] {
  const out: string[] = [];
  // Its type was checked at the JavaScript boundary (model/pod-schema.ts).
  if (p.strategy !== undefined) out.push(...p.strategy.problems());
  out.push(...persistentDirProblems(p.persistentDirs ?? [], mountPaths, 'Deployment'));
  const rwo = singleWriter(p);
  if (!rwo) return out;
  const mode = rwo.dir.accessMode ?? PersistentAccessMode.READ_WRITE_ONCE;
  const dir = `persistentDirs[${rwo.index}] (${rwo.dir.path}) is ${mode}${rwo.dir.accessMode === undefined ? ' (the default)' : ''}`;
  const other = 'or, if the storage allows several writers, set its accessMode to PersistentAccessMode.READ_WRITE_MANY';
  if (p.strategy?.isRollingUpdate) {
    out.push(`strategy is a rolling update, but ${dir}: the surge pod would wait forever for a volume the old pod holds on another node, or write to it beside the old pod on the same node. Fix: use DeploymentStrategy.recreate() (the default with such a dir), ${other}.`);
  }
  const statefulFix = `Fix: run one replica (the default with such a dir), use a SecureStatefulSet for a claim per pod, ${other}.`;
  if (p.replicas !== undefined && p.replicas > 1) {
    out.push(`replicas ${p.replicas} mount one claim, but ${dir}: the other replicas would stay Pending on other nodes, or write beside the first on its node. ${statefulFix}`);
  }
  if (p.autoscaling !== undefined) {
    out.push(`autoscaling would add replicas that mount one claim, but ${dir}: they would stay Pending on other nodes, or write beside the first on its node. Fix: drop autoscaling and ${statefulFix.slice('Fix: '.length)}`);
  }
  return out;
}

/** The name of each new claim the Deployment emits (`<app>-<dir name>`); an existing claim's own name. */
export function deploymentClaimNames(workloadName: string, dirs: readonly PersistentDir[]): string[] {
  return claimNames(dirs).map((n, i) => dirs[i].claimName ?? `${workloadName}-${n}`);
}

/** The quota keys of the new claims (once each: every replica shares them) and how they were counted. */
export function deploymentClaimQuota(workloadName: string, dirs: readonly PersistentDir[]): { claims?: { [key: string]: string }; claimsExplained?: string } {
  if (!dirs.some((d) => d.claimName === undefined)) return {};
  const described = claimsDescribed(dirs, deploymentClaimNames(workloadName, dirs));
  return { claims: claimQuota(dirs, 1), claimsExplained: `${described.includes(',') ? 'claims' : 'claim'} ${described}` };
}

/** The pods the quota must admit at once and why: the replicas (or autoscaling max) and the rollout surge. */
export function deploymentPods(p: SecureAppProps, maxReplicas: number): { maxPods: number; podsExplained: string } {
  const what = `${maxReplicas} ${p.autoscaling ? 'autoscaling max' : 'replicas'}`;
  const strategy = deploymentStrategy(p);
  if (!strategy) return { maxPods: maxReplicas + 1, podsExplained: `${maxReplicas + 1} pods (${what} + 1 rollout surge)` };
  if (!strategy.isRollingUpdate) return { maxPods: maxReplicas, podsExplained: `${maxReplicas} ${maxReplicas === 1 ? 'pod' : 'pods'} (${what}, Recreate: no surge)` };
  const surge = strategy._surgePods(maxReplicas);
  return { maxPods: maxReplicas + surge, podsExplained: `${maxReplicas + surge} pods (${what} + ${surge} rollout surge, ${strategy._surgeDescribed()})` };
}
