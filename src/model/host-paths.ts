import type { HostPathMount } from './workload-options';

// A node agent's read-only host paths (`relax.hostPaths` on a SecureDaemonSet). Pod Security
// judges the hostPath volumes they become (privileged namespaces only); these checks catch
// what it cannot: paths that are not absolute, clashes with the pod's other mounts, and
// sockets a read-only mount does not protect.

// Connecting to a Unix socket needs no write permission on the mount: read-only access to a
// container runtime's socket still lets the pod start privileged containers, i.e. own the node.
const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock', '/var/run/crio/crio.sock', '/run/crio/crio.sock'];

function normalized(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The volume name of a host path: `host-` and the path, like writable dirs' `rw-`. */
export function hostPathVolumeName(path: string): string {
  const s = `host${path}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '');
  return s.slice(0, 63).replace(/-+$/, '');
}

/** The mount of a host path: always read-only. */
export function hostPathMount(h: HostPathMount): { name: string; mountPath: string; readOnly: true } {
  return { name: hostPathVolumeName(h.path), mountPath: h.mountPath, readOnly: true };
}

/** Problems with `relax.hostPaths`, given the mount paths the pod has already. */
export function hostPathProblems(hostPaths: readonly HostPathMount[], mountPaths: readonly string[]): string[] {
  const out: string[] = [];
  hostPaths.forEach((h, i) => {
    const what = `relax.hostPaths[${i}]`;
    for (const [field, v] of [['path', h.path], ['mountPath', h.mountPath]] as const) {
      if (typeof v !== 'string' || !v.startsWith('/') || v.split('/').includes('..')) {
        out.push(`${what}.${field} "${v}" is not an absolute path without "..". Fix: e.g. ${field === 'path' ? '/var/log' : '/host/var/log'}.`);
      }
    }
    if (typeof h.path === 'string') {
      const p = normalized(h.path);
      const socket = RUNTIME_SOCKETS.find((s) => s === p || s.startsWith(`${p === '/' ? '' : p}/`));
      if (socket) {
        out.push(`${what}.path ${h.path} exposes the container runtime socket ${socket}; connecting to a socket needs no write access, so even a read-only mount lets the pod start privileged containers and take over the node. Fix: mount a narrower path (e.g. /var/log/pods for logs), or read what you need through the Kubernetes API.`);
      }
    }
    if (typeof h.mountPath === 'string' && (mountPaths.includes(h.mountPath) || hostPaths.findIndex((o) => o.mountPath === h.mountPath) !== i)) {
      out.push(`${what}.mountPath ${h.mountPath} is mounted twice. Fix: give each host path its own mountPath.`);
    }
    if (typeof h.path === 'string' && hostPaths.findIndex((o) => hostPathVolumeName(o.path) === hostPathVolumeName(h.path)) !== i) {
      out.push(`${what}.path ${h.path} is listed twice (volume "${hostPathVolumeName(h.path)}"). Fix: list each host path once.`);
    }
  });
  return out;
}
