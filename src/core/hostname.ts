/**
 * DNS hostnames as routes, Ingresses, certificates and egress rules take them. A hostname here is
 * a fully qualified name of two labels or more: a bare top-level domain ("com", "localhost")
 * routes or reaches nothing a workload should name, and a wildcard ("*.example.com") is accepted
 * only where the object it ends up in matches wildcards, and only as the whole first label.
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks `value` as a hostname; returns the problem, or undefined when it is fine. */
export function checkHostname(what: string, value: string, wildcard: { allowed: boolean; target: string }): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return `${what} ${JSON.stringify(value)} is not a hostname. Fix: give a fully qualified name such as "shop.example.com".`;
  }
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  const wild = labels[0] === '*';
  if (wild && !wildcard.allowed) {
    return `${what} "${value}" is a wildcard, which ${wildcard.target} cannot match. Fix: name each host in full (e.g. "${['api', ...labels.slice(1)].join('.')}").`;
  }
  const named = wild ? labels.slice(1) : labels;
  if (name.length > 253 || named.some((l) => l.length > 63 || !LABEL.test(l))) {
    const hint = /[A-Z]/.test(value) ? ` (lowercase it: "${value.toLowerCase()}")` : '';
    return `${what} "${value}" is not a valid DNS hostname${hint}. Fix: use labels of at most 63 lowercase letters, digits and '-', separated by '.', ${wildcard.allowed ? 'optionally starting with "*." for a wildcard, ' : ''}e.g. "shop.example.com".`;
  }
  if (/^\d+$/.test(named[named.length - 1])) {
    return `${what} "${value}" is an IP address, not a hostname. Fix: name the host by DNS name, or allow the address with Peer.ipBlock("${value}/32").`;
  }
  if (named.length < 2) {
    return `${what} "${value}" is a bare top-level name${wild ? ' under a wildcard' : ''}, which would ${wild ? 'match every host of that domain' : 'not name one host'}. Fix: give the full name of the host, e.g. "api.${named[0]}"${wild ? ` or "*.example.${named[0]}"` : ''}.`;
  }
  return undefined;
}
