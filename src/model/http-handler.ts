// The HTTP GET a probe or a preStop hook sends: one grammar for both, so a header name the
// API server would refuse is refused at synth the same way wherever it is written.

/** URI scheme of an HTTP probe or hook. */
export enum HttpScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS; the kubelet does not verify the certificate. */
  HTTPS = 'HTTPS',
}

/** The request of an HTTP probe or hook, besides its path and port. */
export interface HttpHandlerOptions {
  /**
   * `HttpScheme.HTTPS` for a container that serves only TLS on the port.
   * @default HttpScheme.HTTP
   */
  readonly scheme?: HttpScheme;
  /**
   * Request headers, by name (e.g. `{ Host: 'api.example.com' }` for a server that routes by host).
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

// RFC 7230 section 3.2.6: a header field name is a token of tchars.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The API server's IsHTTPHeaderName, which is narrower than a token.
const KUBE_HEADER_NAME = /^[-A-Za-z0-9]+$/;

/** Problems of the request options, `what` naming the probe or hook. */
export function httpHandlerProblems(what: string, path: unknown, o: HttpHandlerOptions): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  if (typeof path !== 'string') out.push(`${what} path must be a string, got ${typeof path} ${String(path)}. Fix: pass the path as text, e.g. "/healthz".`);
  else if (!path.startsWith('/')) out.push(`${what} path "${path}" does not start with '/'. Fix: give an absolute path, e.g. "/${path}".`);
  if (o.scheme !== undefined && !Object.values(HttpScheme).includes(o.scheme)) {
    out.push(`${what} scheme ${JSON.stringify(o.scheme)} is not HTTP or HTTPS. Fix: use HttpScheme.HTTP (the default) or HttpScheme.HTTPS (case matters).`);
  }
  const headers = o.headers;
  if (headers === undefined) return out;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    out.push(`${what} headers must be an object of header names to values, got ${Array.isArray(headers) ? 'an array' : String(headers)}. Fix: pass { 'X-Probe': 'kubelet', … }.`);
    return out;
  }
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) {
      out.push(`${what} header name ${JSON.stringify(name)} is not an HTTP header name (an RFC 7230 token: letters, digits and !#$%&'*+-.^_\`|~, no spaces or ':'). Fix: e.g. "X-Probe".`);
    } else if (!KUBE_HEADER_NAME.test(name)) {
      out.push(`${what} header name "${name}" is an HTTP token but the API server accepts only letters, digits and '-' in a probe or hook header. Fix: e.g. "${name.replace(/[^-A-Za-z0-9]/g, '-')}".`);
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) out.push(`${what} header "${name}" is given twice (also as "${seen.get(lower)}"; header names are case-insensitive). Fix: give it once.`);
    seen.set(lower, name);
    if (typeof value !== 'string') out.push(`${what} header "${name}" must have a string value, got ${value === null ? 'null' : typeof value}. Fix: pass text.`);
    else if (/[\r\n]/.test(value)) out.push(`${what} header "${name}" has a line break in its value, which would end the header. Fix: remove it.`);
  }
  return out;
}

/** The Kubernetes HTTPGetAction. */
export function renderHttpHandler(path: string, port: number, o: HttpHandlerOptions): { [field: string]: unknown } {
  return {
    path,
    port,
    ...(o.scheme !== undefined ? { scheme: o.scheme } : {}),
    ...(o.headers !== undefined && Object.keys(o.headers).length ? { httpHeaders: Object.entries(o.headers).map(([name, value]) => ({ name, value })) } : {}),
  };
}
