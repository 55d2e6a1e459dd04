// Input a user gave (cdk8s.yaml properties, CLI arguments, manifests, function arguments) is
// refused with a SecureConfigError whose subject names where the input came from.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { SecureConfigError } from '../src/core/errors';
import { SecureValidation } from '../src/checks/plugin';
import { checkRule, runRules } from '../src/checks/rules';
import { buildReport, loadManifests, parseManifestYaml } from '../src/checks/report';
import { checkPodSecurity, parsePodSecurityVersion } from '../src/checks/pod-security';
import { Endpoint, NetworkModel } from '../src/checks/reachability';
import { installMatchers, toPassPodSecurity } from '../src/testing';
import { main } from '../src/cli';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** A string is the exact message; a RegExp (anchored) is used where the message quotes a parser or a version number. */
function expectConfigError(fn: () => unknown, message: string | RegExp): void {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(SecureConfigError);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}

const RULE_LIST = 'pod-security, network-isolation, service-monitor-port, pdb, image-tag, service-account-token, mesh-mtls, mesh-authorization, mesh-injection, network-allow-all, metadata-endpoint, duplicate-object';

test('validation plugin properties (cdk8s.yaml)', () => {
  expectConfigError(() => new SecureValidation({ defaultlevel: 'baseline' } as any),
    '[cdk8s-secure validation] unknown property "defaultlevel". Fix: use defaultLevel, defaultVersion, defaultNamespace, disable, metadataCidrs.');
  expectConfigError(() => new SecureValidation({ disable: ['pdbs'] } as any),
    `[cdk8s-secure validation] properties: disable: unknown rule "pdbs". Fix: use one of ${RULE_LIST}.`);
});

test('rule ids and options name the function called', () => {
  expectConfigError(() => runRules([], { disable: ['pdbs'] as any }), `[runRules] disable: unknown rule "pdbs". Fix: use one of ${RULE_LIST}.`);
  expectConfigError(() => buildReport([], { disable: ['pdbs'] as any }), `[buildReport] disable: unknown rule "pdbs". Fix: use one of ${RULE_LIST}.`);
  expectConfigError(() => checkRule('pdbs' as any, []), `[checkRule] unknown rule "pdbs". Fix: use one of ${RULE_LIST}.`);
});

test('Pod Security level and version arguments', () => {
  expectConfigError(() => checkPodSecurity({}, 'Restricted' as any),
    '[checkPodSecurity] invalid Pod Security level "Restricted": expected "privileged", "baseline" or "restricted"');
  expectConfigError(() => checkPodSecurity({}, 'restricted', 'v2.1'),
    /^\[checkPodSecurity\] invalid Pod Security version "v2.1": expected "latest" or "v1.<minor>" \(for example "v1.\d+"\)$/);
  expectConfigError(() => parsePodSecurityVersion('2'), /^\[parsePodSecurityVersion\] invalid Pod Security version "2": expected "latest"/);
});

test('manifest reading names the file and line, or the function', () => {
  expectConfigError(() => parseManifestYaml('kind: A\nmetadata: {name: [x\n', 'dist/x.yaml'),
    /^\[dist\/x\.yaml:\d+\] invalid YAML: \S/);
  const nope = path.join(os.tmpdir(), 'cdk8s-secure-errors-nope');
  expectConfigError(() => loadManifests(nope),
    `[loadManifests] ${nope} is not a directory. Fix: pass the directory cdk8s synthesized into (cdk8s.yaml \`output\`, default dist/).`);
});

test('CLI input errors name `cdk8s-secure report`', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-secure-errors-'));
  const errs: string[] = [];
  expect(main(['report', empty], () => undefined, (s) => errs.push(s))).toBe(2);
  // The program's name once, not again as the error's path ("cdk8s-secure: [cdk8s-secure report] …").
  expect(errs).toEqual([`cdk8s-secure: no *.yaml or *.yml files under ${empty}. Fix: run \`cdk8s synth\` first, or pass its output directory.\n`]);
  const missing = path.join(empty, 'missing');
  errs.length = 0;
  expect(main(['report', missing], () => undefined, (s) => errs.push(s))).toBe(2);
  expect(errs).toEqual([`cdk8s-secure: ${missing} is not a directory. Fix: pass the directory cdk8s synthesized into (cdk8s.yaml \`output\`, default dist/).\n`]);
  // An error about a file names it after the program, GNU style: `program: file:line: message`.
  const bad = path.join(empty, 'bad.yaml');
  fs.writeFileSync(bad, 'kind: A\nmetadata: {name: [x\n');
  errs.length = 0;
  expect(main(['report', empty], () => undefined, (s) => errs.push(s))).toBe(2);
  expect(errs).toHaveLength(1);
  expect(errs[0]).toMatch(new RegExp(`^cdk8s-secure: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: invalid YAML: \\S[^\\n]*\\n$`));
  expect(errs[0]).not.toContain('[cdk8s-secure report]');
});

test('reachability arguments name the Endpoint factory or NetworkModel method', () => {
  expectConfigError(() => Endpoint.ip('10.0.0.0/8'),
    '[Endpoint.ip] "10.0.0.0/8" is not an IPv4 or IPv6 address. Fix: pass a single address such as "203.0.113.7", not a CIDR or host name.');
  expectConfigError(() => Endpoint.host('not a host'),
    '[Endpoint.host] "not a host" is not a DNS hostname. Fix: pass a fully qualified name such as "api.stripe.com" (for an address use Endpoint.ip).');
  expectConfigError(() => Endpoint.pods('shop', { app: 'x' }, [{ port: 80, protocol: 'ICMP' }]),
    '[Endpoint.pods] Container port protocol "ICMP" is not supported. Fix: use TCP, UDP or SCTP.');
  const m = NetworkModel.fromManifests([]);
  const pods = Endpoint.pods('shop', { app: 'x' }, [{ name: 'http', port: 80 }]);
  expectConfigError(() => m.check(pods, pods, 80, 'ICMP'), '[NetworkModel.check] Protocol "ICMP" is not supported. Fix: use TCP, UDP or SCTP.');
  expectConfigError(() => m.check(pods, pods, 'grpc'),
    '[NetworkModel.check] pods {app=x} in shop has no container port named "grpc" (named ports: http). Fix: use a port number or one of its port names.');
  expectConfigError(() => m.check(pods, pods, 'http', 'UDP'),
    '[NetworkModel.check] Port "http" of pods {app=x} in shop is 80/TCP, not UDP. Fix: omit the protocol or use TCP.');
  expectConfigError(() => m.check(Endpoint.ip('203.0.113.7'), Endpoint.host('api.stripe.com'), 443),
    '[NetworkModel.check] A flow to api.stripe.com must start from pods. Fix: pass a workload or Endpoint.pods(...) as the source.');
  expectConfigError(() => m.allowedPorts(Endpoint.workload('shop', 'api'), pods),
    '[NetworkModel.allowedPorts] No workload shop/api in the manifests (workloads: none).');
  expectConfigError(() => m.isolation(Endpoint.ip('203.0.113.7')),
    '[NetworkModel.isolation] 203.0.113.7 is outside the cluster; NetworkPolicies do not isolate it.');
});

test('testing helpers name the matcher', () => {
  expectConfigError(() => installMatchers({} as any),
    '[installMatchers] no jest `expect` found. Fix: call it inside a jest test file or setup file, or pass `expect`.');
  const chart = Testing.chart();
  expectConfigError(() => toPassPodSecurity.call(undefined, chart, 'restricted'),
    '[toPassPodSecurity] the subject has no pod templates (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController) to judge.');
});
