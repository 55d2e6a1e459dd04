// All file I/O of the checks, in one module: the rules, the network model and the report judge
// manifests in memory; the plugin, the CLI and the construct-path index read and write through here.
import * as fs from 'fs';
import * as path from 'path';
import { DocumentOptions, ParseOptions, SchemaOptions, parseAllDocuments } from 'yaml';
import { SecureConfigError } from '../core/errors';
import { readPlainYaml } from '../core/yaml-read';

/**
 * YAML as kubectl reads it: sigs.k8s.io/yaml goes through go-yaml v2, which is YAML 1.1, so
 * `hostPID: yes`, `on` and `y` are true, `0777` is octal and `<<` merges. go-yaml v2 keeps
 * timestamps and sexagesimal numbers (`1:20`) as strings, so those 1.1 tags are left out.
 */
const KUBECTL_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) => tags.filter((t) => typeof t === 'string' || (!t.tag.endsWith(':timestamp') && (t as { format?: string }).format !== 'TIME')),
};

/**
 * The documents of a YAML stream, read as kubectl reads them (YAML 1.1). Empty documents (a
 * trailing `---`) are skipped; a syntax error throws, naming `source` and the line, because
 * judging half a file would report false passes.
 */
export function parseManifestYaml(text: string, source: string): any[] {
  // What cdk8s writes is read directly (the same values, several times faster); anything else by `yaml`.
  const plain = readPlainYaml(text);
  if (plain) return plain;
  const docs = parseAllDocuments(text, KUBECTL_YAML);
  // parseAllDocuments returns an EmptyStream (not an array) for input with no documents.
  if (!Array.isArray(docs)) return [];
  const out: any[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line;
      throw new SecureConfigError(`${source}${line !== undefined ? `:${line}` : ''}`, [`invalid YAML: ${err.message.split('\n')[0]}`]);
    }
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** Paths of the `*.yaml` / `*.yml` files under `dir`, recursively, sorted. */
export function manifestFiles(dir: string, subject: string = 'loadManifests'): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new SecureConfigError(subject, [`${dir} is not a directory. Fix: pass the directory cdk8s synthesized into (cdk8s.yaml \`output\`, default dist/).`]);
  }
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Every document of every `*.yaml` / `*.yml` file under `dir`, in file-name order. */
export function loadManifests(dir: string): any[] {
  return manifestFiles(dir).flatMap(readManifestFile);
}

/** The documents of one YAML file. */
export function readManifestFile(file: string): any[] {
  return parseManifestYaml(fs.readFileSync(file, 'utf-8'), file);
}

/** Writes `value` as JSON to `file`, creating its directory. */
export function writeJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

/** The JSON in `file`; undefined when there is no such file or it is not JSON. */
export function readJsonFile(file: string): unknown {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch {
    // Neither reading nor JSON.parse has a non-throwing form; to callers an unreadable file is absent.
    return undefined;
  }
}
