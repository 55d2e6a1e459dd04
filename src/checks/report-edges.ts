// The report's view of the edges of the manifests: who enters through which gateway, which
// hosts each workload may reach by name, and every peer outside the manifests that a
// NetworkPolicy names (other namespaces' pods, Prometheus, DNS, address blocks), so a reviewer
// sees who reaches a workload from outside what the matrix shows.
import { NAMESPACE_NAME_LABEL } from '../core/constants';
import { Endpoint, NetworkModel, WorkloadSummary } from './reachability';

type Row = string[];

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function table(header: string[], rows: Row[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function labelsText(labels: Record<string, unknown> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
}

function selectedBy(selector: Record<string, unknown> | undefined, w: WorkloadSummary): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => w.labels[k] === v);
}

/** Workloads a Service in `namespace` named `name` selects. */
function backends(manifests: any[], workloads: WorkloadSummary[], namespace: string, name: string): string[] {
  const svc = manifests.find((m) => m?.kind === 'Service' && m.metadata?.name === name && (m.metadata?.namespace ?? 'default') === namespace);
  const selector = svc?.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return workloads.filter((w) => w.namespace === namespace && selectedBy(selector, w)).map((w) => w.id);
}

function entrances(manifests: any[], workloads: WorkloadSummary[]): Row[] {
  const rows: Row[] = [];
  for (const m of manifests) {
    const ns = m?.metadata?.namespace ?? 'default';
    if (m?.kind === 'HTTPRoute') {
      const via = (m.spec?.parentRefs ?? []).map((r: any) => `${r.kind ?? 'Gateway'} ${r.namespace ?? ns}/${r.name}${r.sectionName ? ` (${r.sectionName})` : ''}`).join(', ');
      for (const rule of m.spec?.rules ?? []) {
        const paths = (rule.matches ?? []).map((x: any) => x.path?.value ?? '/').join(', ') || '/';
        for (const b of rule.backendRefs ?? []) {
          const bns = b.namespace ?? ns;
          rows.push([via, (m.spec?.hostnames ?? ['*']).join(', '), paths, `Service ${bns}/${b.name}:${b.port}`, backends(manifests, workloads, bns, b.name).join(', ') || '(none in the manifests)', `HTTPRoute ${ns}/${m.metadata?.name}`]);
        }
      }
    }
    if (m?.kind === 'Ingress') {
      for (const rule of m.spec?.rules ?? []) {
        for (const p of rule.http?.paths ?? []) {
          const svc = p.backend?.service;
          if (!svc) continue;
          const tls = (m.spec?.tls ?? []).some((t: any) => (t.hosts ?? []).includes(rule.host)) ? '' : ' (no TLS)';
          rows.push([`IngressClass ${m.spec?.ingressClassName ?? '(default)'}`, `${rule.host ?? '*'}${tls}`, p.path ?? '/', `Service ${ns}/${svc.name}:${svc.port?.number ?? svc.port?.name}`, backends(manifests, workloads, ns, svc.name).join(', ') || '(none in the manifests)', `Ingress ${ns}/${m.metadata?.name}`]);
        }
      }
    }
  }
  return rows;
}

/** A NetworkPolicy peer, as text, and whether it names something the manifests do not hold. */
function outsidePeer(peer: any, policyNs: string, workloads: WorkloadSummary[], namespaces: Set<string>): string | undefined {
  if (peer?.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const nsLabels = peer?.namespaceSelector?.matchLabels;
  const pods = peer?.podSelector?.matchLabels;
  const nsName: string | undefined = peer?.namespaceSelector ? nsLabels?.[NAMESPACE_NAME_LABEL] : policyNs;
  const where = peer?.namespaceSelector ? (nsName ? `namespace ${nsName}` : `namespaces {${labelsText(nsLabels)}}`) : `namespace ${policyNs}`;
  const what = peer?.podSelector && Object.keys(pods ?? {}).length ? `pods {${labelsText(pods)}}` : 'all pods';
  const inManifests = workloads.some((w) => (nsName === undefined ? namespaces.has(w.namespace) : w.namespace === nsName) && selectedBy(pods, w));
  return inManifests ? undefined : `${what} in ${where}`;
}

function outsidePeers(manifests: any[], workloads: WorkloadSummary[]): Row[] {
  const rows = new Map<string, Row>();
  const namespaces = new Set(workloads.map((w) => w.namespace));
  for (const m of manifests) {
    if (m?.kind !== 'NetworkPolicy') continue;
    const ns = m.metadata?.namespace ?? 'default';
    for (const [dir, list, key] of [['ingress from', m.spec?.ingress, 'from'], ['egress to', m.spec?.egress, 'to']] as const) {
      for (const rule of list ?? []) {
        const ports = (rule.ports ?? []).map((p: any) => `${p.port ?? 'all'}/${p.protocol ?? 'TCP'}`).join(', ') || 'all ports';
        for (const peer of rule[key] ?? []) {
          const text = outsidePeer(peer, ns, workloads, namespaces);
          if (!text) continue;
          const k = `${ns}/${m.metadata?.name}\u0000${dir}\u0000${text}\u0000${ports}`;
          rows.set(k, [`NetworkPolicy ${ns}/${m.metadata?.name}`, dir, text, ports]);
        }
      }
    }
  }
  return [...rows.values()];
}

/** The north-south section of the report. */
export function renderEdges(manifests: readonly unknown[], model: NetworkModel): string[] {
  const list = [...manifests] as any[];
  const workloads = model.workloads();
  const lines: string[] = ['## Edges: gateways, hosts and peers outside the manifests', ''];
  const ways = entrances(list, workloads);
  lines.push('### Who enters through which gateway', '');
  lines.push(...(ways.length ? table(['Entry', 'Hostnames', 'Path', 'Backend', 'Workloads', 'Route'], ways) : ['No HTTPRoute or Ingress in the manifests.']), '');
  const hosts = workloads.flatMap((w) => model.hostsOf(Endpoint.workload(w.namespace, w.name, w.kind)).map((h) => [w.id, h.host, h.port === undefined ? 'any' : String(h.port), h.via]));
  lines.push('### Hosts each workload may reach by name', '');
  lines.push(...(hosts.length ? table(['Workload', 'Host', 'Port', 'Allowed by'], hosts) : ['No workload is allowed a host by name (CiliumNetworkPolicy toFQDNs, or ServiceEntry under a REGISTRY_ONLY Sidecar).']), '');
  const peers = outsidePeers(list, workloads);
  lines.push('### Peers outside the manifests', '', 'Every peer a NetworkPolicy admits that is not a workload of these manifests: who they are is decided elsewhere.', '');
  lines.push(...(peers.length ? table(['Policy', 'Direction', 'Peer', 'Ports'], peers) : ['None.']), '');
  return lines;
}
