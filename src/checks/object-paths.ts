/**
 * Construct paths by object identity. cdk8s' `construct-metadata.json` keys paths by
 * `metadata.name` alone, so a Deployment, its Service and its NetworkPolicy named `web` share one
 * entry (the last one written). This file records the path of every object by API group, kind,
 * namespace and name, next to the manifests, so the validation plugin can name the construct
 * that made the object a finding is about.
 */
import * as path from 'path';
import type { ApiObject, App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { readJsonFile, writeJsonFile } from './io';

/** Written into the app's outdir, beside cdk8s' construct-metadata.json. */
export const OBJECT_PATHS_FILE = 'cdk8s-secure-paths.json';

const VERSION = '1';

// ApiObject.isApiObject's own test, without loading cdk8s: the validation plugin, which reads
// this file, runs inside the cdk8s CLI and must not need the app's cdk8s.
const API_OBJECT_SYMBOL = Symbol.for('cdk8s.ApiObject');

function isApiObject(c: IConstruct): c is ApiObject {
  return c !== null && typeof c === 'object' && API_OBJECT_SYMBOL in c;
}

/**
 * The identity of an object as the API server sees it: group, kind, namespace (as written; ''
 * when none) and name.
 */
export function objectKey(apiVersion: unknown, kind: unknown, namespace: unknown, name: unknown): string {
  const v = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = v.indexOf('/');
  const group = slash < 0 ? '' : v.slice(0, slash);
  return [group, String(kind ?? ''), typeof namespace === 'string' ? namespace : '', String(name ?? '')].join('/');
}

/** The key of a parsed manifest. */
export function manifestKey(manifest: unknown): string {
  const m = (manifest ?? {}) as { apiVersion?: unknown; kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } };
  return objectKey(m.apiVersion, m.kind, m.metadata?.namespace, m.metadata?.name);
}

/**
 * Construct path of every ApiObject under `root`, by object key. A key made twice maps to every
 * path that made it (the duplicate-object rule reports those).
 */
export function objectPathsOf(root: IConstruct): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of root.node.findAll()) {
    if (!isApiObject(c)) continue;
    const key = objectKey(c.apiVersion, c.kind, c.metadata.namespace, c.name);
    (out[key] ??= []).push(c.node.path);
  }
  return out;
}

/** Writes `OBJECT_PATHS_FILE` into `app.outdir`. */
export function writeObjectPaths(app: App): void {
  writeJsonFile(path.join(app.outdir, OBJECT_PATHS_FILE), { version: VERSION, objects: objectPathsOf(app) });
}

/**
 * Reads `OBJECT_PATHS_FILE` from the directory of the manifests (or its parent, for the
 * folder-per-chart output types); undefined when there is none or it is unreadable.
 */
export function readObjectPaths(manifestFiles: readonly string[]): Record<string, string[]> | undefined {
  const dirs = [...new Set(manifestFiles.flatMap((f) => [path.dirname(f), path.dirname(path.dirname(f))]))];
  for (const dir of dirs) {
    // An absent or unreadable file only costs exactness: paths fall back to cdk8s' name-keyed metadata.
    const json = readJsonFile(path.join(dir, OBJECT_PATHS_FILE)) as { version?: unknown; objects?: unknown } | undefined;
    if (json?.version === VERSION && json.objects && typeof json.objects === 'object') return json.objects as Record<string, string[]>;
  }
  return undefined;
}
