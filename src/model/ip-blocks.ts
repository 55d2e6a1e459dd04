/**
 * An ipBlock peer as the renderers write it: the block and its excepts in canonical spelling,
 * plus an except for every cloud-metadata block the peer would otherwise reach (the cluster's
 * `metadataCidrs`). Peers reach here from `Peer.ipBlock` and from hand-made `IPeer`s alike, so
 * neither can skip the exception by spelling a block differently.
 */
import { exceptMetadata, ipBlockProblems, metadataReached, normalizeCidr } from '../core/cidr';
import type { PeerInfo } from './peer';

/** The block and excepts to write for an ipBlock peer. */
export function renderedIpBlock(cidr: string, except: readonly string[] | undefined, metadata: readonly string[]): { cidr: string; except?: string[] } {
  const block = normalizeCidr(cidr) ?? cidr;
  const own = [...new Set((except ?? []).map((e) => normalizeCidr(e) ?? e))];
  const all = exceptMetadata(block, own, metadata);
  return all.length ? { cidr: block, except: all } : { cidr: block };
}

/** What is wrong with an ipBlock peer's input, as the IPeer gave it (a hand-made one included). */
export function ipBlockInputProblem(info: PeerInfo): string | undefined {
  if (info.kind !== 'ipBlock') return undefined;
  return ipBlockProblems(info.description || 'ipBlock peer', info.cidr, info.except ?? [])[0];
}

/**
 * A problem when the peer still reaches a metadata block after the automatic excepts: the block
 * lies inside a metadata block, so no except can leave anything else.
 */
export function ipBlockMetadataProblem(info: PeerInfo, metadata: readonly string[]): string | undefined {
  if (info.kind !== 'ipBlock' || info.cidr === undefined || normalizeCidr(info.cidr) === undefined) return undefined;
  const r = renderedIpBlock(info.cidr, info.except, metadata);
  const reached = metadataReached([r], metadata);
  return reached.length
    ? `${info.description} (${r.cidr}) lies inside the cloud metadata block ${reached.map((b) => b.text).join(', ')}, which hands out node credentials. Fix: do not allow traffic to it (the metadata blocks come from ClusterSettings metadataCidrs).`
    : undefined;
}
