import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';
import { emitDocument } from './core/yaml-emit';

/** The objects of one chart in dependency order, as cdk8s orders them. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

/** Bytes gathered before a write: few system calls, and still one chart's YAML never held whole. */
const FLUSH_AT = 1 << 18;

/**
 * Writes `docs` to `filePath` as cdk8s' `Yaml.save` does, rendering and serializing each object
 * only when its turn comes. The file appears whole or not at all: the YAML goes to a temporary
 * file beside it that is renamed over `filePath` once complete, and removed if any object fails
 * to render, so a failed synth leaves the previous manifests as they were.
 */
function saveAtomically(filePath: string, docs: any[]): void {
  const tmp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  let done = false;
  try {
    let pending = '';
    docs.forEach((doc, i) => {
      const json = doc instanceof ApiObject ? doc.toJson() : doc;
      pending += (i > 0 ? '---\n' : '') + emitDocument(json);
      if (pending.length >= FLUSH_AT) {
        fs.writeSync(fd, pending);
        pending = '';
      }
    });
    if (pending) fs.writeSync(fd, pending);
    done = true;
  } finally {
    fs.closeSync(fd);
    if (done) fs.renameSync(tmp, filePath);
    else fs.rmSync(tmp, { force: true });
  }
}

/**
 * An App for large apps: many workloads or many charts. cdk8s' `App.synth()` validates the app and resolves its
 * dependencies once, then asks each chart for its manifests, and each chart repeats both passes
 * over the whole app: synth time grows with charts × constructs (1000 apps in 100 charts took
 * 6 times longer than in one chart). `SinglePassApp` skips the repeats and writes each object as
 * soon as it is rendered, so peak memory holds one object's YAML instead of a whole chart's.
 * It serializes with an emitter specialised for the plain data cdk8s renders (several times
 * faster than the `yaml` document model, and falling back to it for anything else), and replaces
 * each file only once it is complete, so a failed synth never leaves a truncated manifest.
 * The files it writes are byte-identical to `App`'s, for every `yamlOutputType`.
 */
export class SinglePassApp extends App {
  public synth(): void {
    const app = App as any;
    const yaml = Yaml as any;
    const synthChart = app._synthChart;
    const save = yaml.save;
    // Internals this relies on; if a cdk8s release renames them, synthesize the ordinary way.
    if (typeof synthChart !== 'function' || typeof save !== 'function') {
      super.synth();
      return;
    }
    // Charts hand back their ApiObjects unrendered; `save` renders and writes them one by one.
    app._synthChart = (chart: Chart) => chartObjects(chart);
    yaml.save = saveAtomically;
    try {
      super.synth();
    } finally {
      app._synthChart = synthChart;
      yaml.save = save;
    }
  }
}
