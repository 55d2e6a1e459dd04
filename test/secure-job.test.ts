import { Chart, JsonPatch, Testing } from 'cdk8s';
import {
  ConcurrencyPolicy, IsolatedNamespace, JobRestartPolicy, Mesh, PodFailureAction, SecureApp, SecureCronJob, SecureJob,
} from '../src';
import { checkCronSchedule, checkTimeZone } from '../src/core/schedule';
import { withInjectedContainers } from '../src/render/mesh/injection';
import { installMatchers } from '../src/testing';
import { polarisFailures } from './support/polaris';
import { expectValidManifests } from './support/schema';
import { DNS_RULE, newChart, one, synthApp } from './support/synth';
import { thrown } from './support/thrown';

installMatchers();

const IMAGE = 'ghcr.io/acme/migrate:2.0.1';
const sel = (name: string) => ({ matchLabels: { 'app.kubernetes.io/instance': name } });

describe('SecureJob', () => {
  const { app, chart } = newChart({ namespace: 'shop' });
  const db = new SecureApp(chart, 'db', { name: 'db', image: 'postgres:16.4', port: 5432, replicas: 1 });
  const job = new SecureJob(chart, 'migrate', { name: 'migrate', image: IMAGE, activeDeadlineSeconds: 600, port: 8080 });
  job.allowTo(db);
  const out = synthApp(app);
  const manifest = one(out, 'Job', 'migrate');
  const pod = manifest.spec.template.spec;

  test('emits a ServiceAccount, the Job and a NetworkPolicy: no Service, PDB or autoscaler', () => {
    expect(out.filter((m) => m.metadata.name === 'migrate').map((m) => m.kind)).toEqual(['ServiceAccount', 'Job', 'NetworkPolicy']);
  });

  test('the Job has a deadline, retries, a TTL and the Job controller picks its selector', () => {
    expect(manifest.apiVersion).toBe('batch/v1');
    const { template, ...spec } = manifest.spec;
    expect(spec).toEqual({ activeDeadlineSeconds: 600, backoffLimit: 3, completions: 1, parallelism: 1, ttlSecondsAfterFinished: 86400 });
    expect(template.metadata.labels['app.kubernetes.io/instance']).toBe('migrate');
  });

  test('the pod is hardened like a SecureApp pod, restarts Never and has no default probes', () => {
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].livenessProbe).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
    expect(out).toPassPodSecurity('restricted');
  });

  test('job.allowTo(db): egress on the Job, ingress on the database, and nothing else', () => {
    expect(one(out, 'NetworkPolicy', 'migrate').spec).toEqual({
      podSelector: sel('migrate'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [DNS_RULE, { to: [{ podSelector: sel('db') }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    expect(one(out, 'NetworkPolicy', 'db').spec.ingress).toEqual([{ from: [{ podSelector: sel('migrate') }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(out).toAllowTraffic(job, db, { port: 5432 });
    expect(out).not.toAllowTraffic(db, job, { port: 8080 });
    expect(job.declaredConnections.map((c) => `${c.from.description} -> ${c.to.description}:${c.port}`)).toEqual(['SecureJob test/migrate -> SecureApp test/db:5432']);
  });

  test('a Job without a deadline is refused unless runForever says so', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureJob(c, 'j', { image: IMAGE }))).toBe(
      '[c/j] activeDeadlineSeconds is not set, so the Job may run forever, holding its pods and quota. Fix: set activeDeadlineSeconds (e.g. 3600 for an hour), or set runForever: true if it really may run without end.');
    const forever = new SecureJob(c, 'forever', { image: IMAGE, runForever: true });
    expect(Testing.synth(c).find((m) => m.kind === 'Job').spec.activeDeadlineSeconds).toBeUndefined();
    expect(forever.job).toBeDefined();
    expect(thrown(() => new SecureJob(c, 'both', { image: IMAGE, runForever: true, activeDeadlineSeconds: 5 })))
      .toBe('[c/both] activeDeadlineSeconds 5 and runForever are both set. Fix: drop one.');
  });

  test('bad numbers and restart policies get one error listing each', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureJob(c, 'j', { image: IMAGE, activeDeadlineSeconds: 0, backoffLimit: -1, parallelism: 1.5, restartPolicy: 'Always' as JobRestartPolicy }))).toBe([
      '[c/j] 4 problems:',
      '  - activeDeadlineSeconds 0 must be a whole number >= 1. Fix: set the seconds the Job may run, e.g. 3600.',
      '  - backoffLimit -1 must be a whole number >= 0. Fix: set the retries, e.g. 3 (the default).',
      '  - parallelism 1.5 must be a whole number >= 1. Fix: set how many pods run at once, e.g. 1.',
      '  - restartPolicy "Always" is not Never or OnFailure (a Job\'s pods must end). Fix: use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE.',
    ].join('\n'));
  });

  test('podFailurePolicy: exit codes of the app container, sorted; conditions; and its restart policy', () => {
    const { app: a, chart: c } = newChart();
    new SecureJob(c, 'j', {
      name: 'j', image: IMAGE, activeDeadlineSeconds: 60,
      podFailurePolicy: [{ action: PodFailureAction.FAIL_JOB, onExitCodes: [42, 3] }, { action: PodFailureAction.IGNORE, onPodConditions: ['DisruptionTarget'] }],
    });
    expect(one(synthApp(a), 'Job', 'j').spec.podFailurePolicy).toEqual({
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [3, 42] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    });
    expect(thrown(() => new SecureJob(c, 'k', {
      image: IMAGE, activeDeadlineSeconds: 60, restartPolicy: JobRestartPolicy.ON_FAILURE,
      podFailurePolicy: [{ action: PodFailureAction.COUNT, onExitCodes: [0], onPodConditions: ['x'] }],
    }))).toBe([
      '[test/k] 3 problems:',
      '  - podFailurePolicy needs restartPolicy Never (with OnFailure the kubelet restarts the container and the Job never sees the failure). Fix: set restartPolicy to JobRestartPolicy.NEVER, or drop podFailurePolicy.',
      '  - podFailurePolicy[0] sets 2 of onExitCodes, notOnExitCodes and onPodConditions. Fix: set exactly one.',
      '  - podFailurePolicy[0].onExitCodes includes 0, which is success. Fix: remove 0.',
    ].join('\n'));
  });

  test('host access under restricted is refused at synth, naming the relaxation', () => {
    const { app: a, chart: c } = newChart();
    new SecureJob(c, 'j', { image: IMAGE, activeDeadlineSeconds: 60, relax: { hostNetwork: true } });
    expect(() => synthApp(a)).toThrow(/Pod Security "restricted" \(v1\.35\) check hostNamespaces fails: .*\(field spec\.hostNetwork, set by `relax\.hostNetwork`\)/);
  });

  test('the quota counts the Job\'s parallel pods, without a surge pod', () => {
    const { app: a, chart: c } = newChart();
    const ns = new IsolatedNamespace(c, 'shop', { quota: { 'requests.cpu': '300m' } });
    new SecureJob(ns, 'j', { image: IMAGE, activeDeadlineSeconds: 60, parallelism: 4 });
    expect(() => synthApp(a)).toThrow(
      "[test/shop] ResourceQuota requests.cpu is 300m but the apps inside need 400m (test/shop/j: 4 pods (Job parallelism) × 100m). Fix: raise quota['requests.cpu']");
  });
});

describe('SecureJob and SecureCronJob in a sidecar mesh', () => {
  const { app, chart } = newChart();
  const ns = new IsolatedNamespace(chart, 'shop', { mesh: Mesh.sidecar({ istioCni: true }) });
  const db = new SecureApp(ns, 'db', { name: 'db', image: 'postgres:16.4', port: 5432, replicas: 1 });
  const job = new SecureJob(ns, 'migrate', { name: 'migrate', image: IMAGE, activeDeadlineSeconds: 600 });
  const cron = new SecureCronJob(ns, 'nightly', { name: 'nightly', image: IMAGE, schedule: '30 2 * * *', activeDeadlineSeconds: 3600 });
  job.allowTo(db);
  db.allowFrom(cron);
  const out = synthApp(app);

  test('the proxy is asked for as a native sidecar, so the pod completes (even with an Istio that would not inject one by default)', () => {
    const template = one(out, 'Job', 'migrate').spec.template;
    expect(template.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
    expect(one(out, 'CronJob', 'nightly').spec.jobTemplate.spec.template.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
    const injected = withInjectedContainers(template, Mesh.sidecar({ istioCni: true }), { kubernetesVersion: '1.35', istioVersion: '1.26' });
    expect(injected.spec.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(injected.spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['istio-validation', undefined], ['istio-proxy', 'Always']]);
    expect(one(out, 'Deployment', 'db').spec.template.metadata.annotations?.['sidecar.istio.io/nativeSidecar']).toBeUndefined();
  });

  test('the database admits each one\'s own mesh identity on its port', () => {
    expect(one(out, 'AuthorizationPolicy', 'db').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/migrate'] } }], to: [{ operation: { ports: ['5432'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/nightly'] } }], to: [{ operation: { ports: ['5432'] } }] },
    ]);
    expect(one(out, 'AuthorizationPolicy', 'migrate').spec).toEqual({ selector: sel('migrate'), action: 'ALLOW' });
  });

  test('every object validates against the Kubernetes 1.27 schema, and Polaris finds nothing', () => {
    expectValidManifests(out);
    // What Polaris finds on the Jobs: no PriorityClass (none exists in a stock cluster) and
    // "no ingress rule", which is right for a pod nobody calls. No hardening check fires.
    const onJobs = polarisFailures(out).filter((f) => /^(Cron)?Job\//.test(f.object)).map((f) => `${f.check} ${f.object}`).sort();
    expect(onJobs).toEqual([
      'missingNetworkPolicy CronJob/nightly', 'missingNetworkPolicy Job/migrate', 'priorityClassNotSet CronJob/nightly', 'priorityClassNotSet Job/migrate',
    ]);
  });

  test('their NetworkPolicies reach istiod and the database only', () => {
    const egress = one(out, 'NetworkPolicy', 'nightly').spec.egress;
    expect(egress.slice(1)).toEqual([
      { to: [{ podSelector: sel('db') }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ protocol: 'TCP', port: 15012 }] },
    ]);
    expect(out).toAllowTraffic(cron, db, { port: 5432 });
  });
});

describe('SecureCronJob', () => {
  test('defaults: Forbid, a starting deadline, history limits and the Job template', () => {
    const { app, chart } = newChart();
    new SecureCronJob(chart, 'nightly', { name: 'nightly', image: IMAGE, schedule: '@daily', timeZone: 'Europe/Berlin', activeDeadlineSeconds: 3600 });
    const out = synthApp(app);
    expect(out.filter((m) => m.metadata.name === 'nightly').map((m) => m.kind)).toEqual(['ServiceAccount', 'CronJob', 'NetworkPolicy']);
    const { jobTemplate, ...spec } = one(out, 'CronJob', 'nightly').spec;
    expect(spec).toEqual({
      schedule: '@daily', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    });
    const { template, ...job } = jobTemplate.spec;
    expect(job).toEqual({ activeDeadlineSeconds: 3600, backoffLimit: 3, completions: 1, parallelism: 1 });
    expect(template.spec.restartPolicy).toBe('Never');
    expect(out).toPassPodSecurity('restricted');
  });

  test.each([
    ['0 2 * *', 'schedule "0 2 * *" has 4 fields, not 5.'],
    ['61 * * * *', 'schedule "61 * * * *": minute "61" is outside 0-59.'],
    ['0 2 * * MON-FRI/0', 'schedule "0 2 * * MON-FRI/0": day of week "MON-FRI/0" steps by 0.'],
    ['0 2 * FOO *', 'schedule "0 2 * FOO *": month "FOO" is not a number or a name (JAN-DEC).'],
    ['@fortnightly', 'schedule "@fortnightly" is not a known macro.'],
  ])('schedule %p is refused', (schedule, problem) => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureCronJob(c, 'cj', { image: IMAGE, schedule, activeDeadlineSeconds: 60 }))).toBe(
      `[c/cj] ${problem} Fix: write 5 fields (minute hour day-of-month month day-of-week, e.g. "30 2 * * *" for 02:30 every day) or a macro (@hourly, @daily, @weekly, @monthly, @yearly).`);
  });

  test('a time zone in the schedule or an unknown time zone is refused', () => {
    const c = new Chart(Testing.app(), 'c');
    expect(thrown(() => new SecureCronJob(c, 'a', { image: IMAGE, schedule: 'TZ=UTC 0 2 * * *', activeDeadlineSeconds: 60 }))).toBe(
      '[c/a] schedule "TZ=UTC 0 2 * * *" sets its time zone inline, which the API server refuses. Fix: drop the TZ= prefix and set timeZone instead.');
    expect(thrown(() => new SecureCronJob(c, 'b', { image: IMAGE, schedule: '0 2 * * *', timeZone: 'europe/berlin', activeDeadlineSeconds: 60 }))).toBe(
      '[c/b] timeZone "europe/berlin" is not an IANA time zone name (names are case-sensitive: "Europe/Berlin"). Fix: use a canonical name such as "Europe/Berlin", "America/New_York" or "UTC" (the cluster\'s time zone database must know it too).');
    expect(thrown(() => new SecureCronJob(c, 'd', { image: IMAGE, schedule: '0 2 * * *', timeZone: 'Mars/Olympus', concurrencyPolicy: 'Sometimes' as ConcurrencyPolicy }))).toBe([
      '[c/d] 3 problems:',
      '  - activeDeadlineSeconds is not set, so the Job may run forever, holding its pods and quota. Fix: set activeDeadlineSeconds (e.g. 3600 for an hour), or set runForever: true if it really may run without end.',
      '  - timeZone "Mars/Olympus" is not an IANA time zone name. Fix: use a canonical name such as "Europe/Berlin", "America/New_York" or "UTC" (the cluster\'s time zone database must know it too).',
      '  - concurrencyPolicy "Sometimes" is not Forbid, Replace or Allow. Fix: use ConcurrencyPolicy.FORBID (the default), .REPLACE or .ALLOW.',
    ].join('\n'));
  });

  test('a CronJob name over 52 characters is refused (its Jobs add 11); a derived name is kept to 52', () => {
    const c = new Chart(Testing.app(), 'c');
    const long = 'nightly-report-of-every-order-placed-in-the-shop-eu-1'; // 53
    expect(thrown(() => new SecureCronJob(c, 'a', { name: long, image: IMAGE, schedule: '@daily', activeDeadlineSeconds: 60 }))).toBe(
      `[c/a] name "${long}" has 53 characters, but a CronJob's name may have at most 52: each Job it starts is named after it plus 11 characters ("-" and the scheduled time). Fix: shorten name to 52 characters or fewer, e.g. "nightly-report-of-every-order-placed-in-the-shop-eu".`);
    const ok = new SecureCronJob(c, 'b', { name: 'nightly-report-of-every-order-placed-in-the-shop-eu1', image: IMAGE, schedule: '@daily', activeDeadlineSeconds: 60 });
    expect(ok.name.length).toBe(52);
    // A Job has no such limit beyond the DNS label's 63.
    expect(new SecureJob(c, 'j', { name: long, image: IMAGE, activeDeadlineSeconds: 60 }).name).toBe(long);
    const { app, chart } = newChart();
    const cron = new SecureCronJob(chart, 'nightly-report-of-every-order-placed-in-the-shop', { image: IMAGE, schedule: '@daily', activeDeadlineSeconds: 60 });
    const job = new SecureJob(chart, 'nightly-report-of-every-order-placed-in-the-shop-job', { image: IMAGE, activeDeadlineSeconds: 60 });
    expect([cron.name.length, job.name.length]).toEqual([52, 63]);
    expect(one(synthApp(app), 'CronJob').metadata.name).toBe(cron.name);
  });

  test('the quota counts one run under Forbid, two under Replace', () => {
    const { app, chart } = newChart();
    const ns = new IsolatedNamespace(chart, 'shop', { quota: { pods: '2' } });
    new SecureCronJob(ns, 'a', { image: IMAGE, schedule: '@hourly', activeDeadlineSeconds: 60 });
    new SecureCronJob(ns, 'b', { image: IMAGE, schedule: '@hourly', activeDeadlineSeconds: 60, concurrencyPolicy: ConcurrencyPolicy.REPLACE });
    expect(() => synthApp(app)).toThrow(
      "[test/shop] ResourceQuota pods is 2 but the apps inside need 3 (test/shop/a: 1 pod (one run at a time); test/shop/b: 2 pods (2 overlapping runs under concurrencyPolicy Replace)). Fix: raise quota['pods']");
  });
});

describe('cron schedules and time zones', () => {
  test.each(['*/15 * * * *', '0 0 1,15 * ?', '5 4 * * SUN', '0 22 * * 1-5', '0 0 1 JAN-MAR *', '@hourly', '@yearly', '@annually', '@midnight', '  0 3 * * *  '])(
    '%p is a schedule', (s) => expect(checkCronSchedule('schedule', s)).toBeUndefined());
  test.each(['', '* * * * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '0 0 * * 7', '5-1 * * * *', '*/x * * * *', '1-2-3 * * * *', '@every 1h', '? * * * *'])(
    '%p is not', (s) => expect(checkCronSchedule('schedule', s)).toMatch(/^schedule /));
  test.each(['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'US/Eastern'])('%p is a time zone', (z) => expect(checkTimeZone('timeZone', z)).toBeUndefined());
  test.each(['Local', 'Europe/Berln', '+01:00', '', 'asia/tokyo'])('%p is not', (z) => expect(checkTimeZone('timeZone', z)).toMatch(/^timeZone /));
});

describe('escape hatches on a Job are judged like on a SecureApp', () => {
  test('a JSON patch that adds hostNetwork to a CronJob\'s pod fails synth, naming the patch', () => {
    const { app, chart } = newChart();
    const cron = new SecureCronJob(chart, 'nightly', { name: 'nightly', image: IMAGE, schedule: '@daily', activeDeadlineSeconds: 60 });
    cron.cronJob.addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/template/spec/hostNetwork', true));
    expect(() => synthApp(app)).toThrow(/check hostNamespaces fails: .*\(field spec\.hostNetwork, written by the JSON patch on CronJob test\/nightly\/CronJob \(add \/spec\/jobTemplate\/spec\/template\/spec\/hostNetwork\)\)/);
  });
});
