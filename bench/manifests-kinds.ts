// The floor of the per-kind workloads (common.ts `Workload`): exactly the objects cdk8s-secure
// emits for each kind's unit, as plain object literals built with manifests.ts' helpers, in the
// order the library emits them. verify-floor.ts checks them against a real synth of `ours`.
import { appName, APP_PORT, GATEWAY, hostOf, JOB_DB_CIDR, JOB_DB_PORT, Workload } from './common';
import {
  appObjects, chainEgress, chainIngress, dnsEgress, httpPorts, httpServicePorts, labels, meta, networkPolicy,
  podDisruptionBudget, podTemplate, selector, service, serviceAccount,
} from './manifests';

const jobSpec = (i: number, ns: string): any => ({
  activeDeadlineSeconds: 600,
  backoffLimit: 3,
  completions: 1,
  parallelism: 1,
  template: podTemplate(i, ns, { spread: false, restartPolicy: 'Never' }),
});

const jobPolicy = (name: string, ns: string): any => networkPolicy(name, ns, [], [
  dnsEgress(),
  { ports: [{ port: JOB_DB_PORT, protocol: 'TCP' }], to: [{ ipBlock: { cidr: JOB_DB_CIDR } }] },
]);

/** The objects of unit i of n of `workload` (not `app`), in namespace `ns`. */
export function kindObjects(workload: Exclude<Workload, 'app'>, i: number, n: number, ns: string): any[] {
  const name = appName(i);
  switch (workload) {
    case 'statefulset':
      return [
        serviceAccount(name, ns),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(name, ns, `${name}-headless`),
          spec: { clusterIP: 'None', ports: httpServicePorts(), publishNotReadyAddresses: true, selector: selector(name) },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(name, ns),
          spec: {
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
            podManagementPolicy: 'OrderedReady',
            replicas: 3,
            revisionHistoryLimit: 5,
            selector: { matchLabels: selector(name) },
            serviceName: `${name}-headless`,
            template: podTemplate(i, ns, { ports: httpPorts(), spread: true, claimMounts: [{ mountPath: '/var/lib/data', name: 'data' }] }),
            updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
            volumeClaimTemplates: [{
              metadata: { labels: labels(name, ns), name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            }],
          },
        },
        service(name, ns, httpServicePorts()),
        podDisruptionBudget(name, ns),
        networkPolicy(name, ns, chainIngress(i), chainEgress(i, n)),
      ];
    case 'daemonset':
      return [
        serviceAccount(name, ns),
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: meta(name, ns),
          spec: {
            revisionHistoryLimit: 5,
            selector: { matchLabels: selector(name) },
            template: podTemplate(i, ns, { ports: httpPorts(), spread: false }),
            updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
          },
        },
        networkPolicy(name, ns, chainIngress(i), chainEgress(i, n)),
      ];
    case 'job':
      return [
        serviceAccount(name, ns),
        { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(name, ns), spec: { ...jobSpec(i, ns), ttlSecondsAfterFinished: 86400 } },
        jobPolicy(name, ns),
      ];
    case 'cronjob':
      return [
        serviceAccount(name, ns),
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: meta(name, ns),
          spec: {
            concurrencyPolicy: 'Forbid',
            failedJobsHistoryLimit: 1,
            jobTemplate: { metadata: { labels: labels(name, ns) }, spec: jobSpec(i, ns) },
            schedule: `${i % 60} * * * *`,
            startingDeadlineSeconds: 300,
            successfulJobsHistoryLimit: 3,
          },
        },
        jobPolicy(name, ns),
      ];
    case 'gateway': {
      const fromGateway = {
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY.namespace } },
          podSelector: { matchLabels: { ...GATEWAY.podLabels } },
        }],
        ports: [{ port: APP_PORT, protocol: 'TCP' }],
      };
      return [...appObjects(i, n, ns, false, [fromGateway]), {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: meta(name, ns, `${name}-${GATEWAY.name}`),
        spec: {
          hostnames: [hostOf(i)],
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY.name, namespace: GATEWAY.namespace }],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name, port: APP_PORT }], matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
        },
      }];
    }
    case 'host':
      return [...appObjects(i, n, ns, false), {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: meta(name, ns, `${name}-hosts`),
        spec: {
          egress: [
            {
              toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
              toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
            },
            { toFQDNs: [{ matchName: hostOf(i) }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
          ],
          endpointSelector: { matchLabels: selector(name) },
        },
      }];
  }
}
