/**
 * Who may call the control plane (docs/control-plane.md, "Who can reach the control plane"). The emulator
 * listens on the developer's machine, where every web page they visit can send it requests: a page on
 * another site by a cross-origin POST (a form, or `fetch` with `mode: 'no-cors'`, which needs no CORS
 * answer to be sent), and a DNS-rebinding page by same-origin requests to a name that resolves to 127.0.0.1.
 * Browsers send `Origin` on every cross-origin POST and put the name they resolved in `Host`, so:
 *
 * - a request whose `Origin` is not the emulator's own is refused (curl, test code and the admin client
 *   send no Origin; the inspector's own calls are same-origin);
 * - a request whose `Host` names anything but a loopback name or address, an IP literal, a single-label
 *   name (what docker-compose and Kubernetes give a service) or an allowed host is refused, as dev servers
 *   refuse unknown hosts since DNS rebinding (webpack-dev-server's allowedHosts, Vite's server.allowedHosts).
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import { Errors } from '../../errors.js'

/**
 * Host names the control plane answers besides the defaults: `name` exactly, `.name` for it and every
 * subdomain, `*` for any host (then only Origin is checked).
 */
export type AllowedHosts = readonly string[]

/** The host name of a `Host` header (or of an origin's authority): no port, lower case, no trailing dot. */
export function hostName (authority: string): string {
  let name = authority
  if (name.startsWith('[')) {
    const end = name.indexOf(']')
    name = end === -1 ? name : name.slice(0, end + 1)
  } else {
    const colon = name.lastIndexOf(':')
    if (colon !== -1) name = name.slice(0, colon)
  }
  name = name.toLowerCase()
  return name.endsWith('.') ? name.slice(0, -1) : name
}

function listed (name: string, allowed: AllowedHosts): boolean {
  for (const entry of allowed) {
    const host = entry.toLowerCase()
    if (host.startsWith('.') ? name === host.slice(1) || name.endsWith(host) : name === host) return true
  }
  return false
}

/** One DNS label (underscores too: Docker's DNS answers compose service names that have them). */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/

/** Whether the control plane answers a request sent to this `Host` (the header's whole value). */
export function hostAllowed (host: string, allowed: AllowedHosts): boolean {
  if (allowed.includes('*')) return true
  const name = hostName(host)
  if (name === 'localhost' || name.endsWith('.localhost')) return true // RFC 6761: always loopback
  if (isIPv4(name) || (name.startsWith('[') && name.endsWith(']') && isIPv6(name.slice(1, -1)))) return true
  if (LABEL.test(name)) return true
  return listed(name, allowed)
}

/**
 * Whether a browser's `Origin` is the emulator's own: the same host and port as the request's `Host`
 * (a page the emulator served), or a host listed in `allowed` (a name the emulator is known by, behind a
 * proxy say). `*` allows any Host, never any Origin: it would let every page in again.
 */
export function originAllowed (origin: string, host: string | undefined, allowed: AllowedHosts): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false // `null` (a sandboxed frame, a file: page) and anything else that is not an origin
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (host !== undefined && url.host === authorityOf(url.protocol, host)) return true
  return listed(hostName(url.host), allowed.filter((h) => h !== '*'))
}

/** A Host header as URL writes an origin's authority (lower case, the scheme's default port left out). */
function authorityOf (protocol: string, host: string): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host
  } catch {
    return undefined
  }
}

/** The onRequest hook of the control plane that refuses foreign origins and hosts with a 403. */
export function callerCheck (allowed: AllowedHosts): onRequestHookHandler {
  return function callers (request: FastifyRequest, _reply, done: HookHandlerDoneFunction) {
    const { host, origin } = request.headers
    // HTTP/1.0 clients may send no Host; a browser always sends one.
    if (host !== undefined && !hostAllowed(host, allowed)) return done(Errors.foreignHost(hostName(host)))
    if (origin !== undefined && !originAllowed(origin, host, allowed)) return done(Errors.foreignOrigin(origin))
    done()
  }
}
