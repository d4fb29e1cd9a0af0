/**
 * One request over its own socket with the path exactly as given, byte for byte: fetch and `inject` may
 * normalise a URL (escapes, dot segments) before it leaves, and tests of what the server does with a path
 * must see the path arrive as written. Headers are sent as given too (Host, Origin included).
 */
import { request } from 'node:http'

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as text. */
  text: string
  /** The body parsed as JSON (undefined when empty). */
  body: any
  /** Milliseconds from sending to the end of the answer. */
  ms: number
}

/** `body`: a string is sent as it is, anything else as JSON; either way with content-type application/json unless `headers` say otherwise. */
export function send (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(base)
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      method,
      path,
      agent: false,
      headers: text === undefined
        ? headers
        : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }
    }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { data += chunk })
      res.on('end', () => resolve({
        status: res.statusCode as number,
        headers: res.headers,
        text: data,
        body: data === '' ? undefined : JSON.parse(data),
        ms: performance.now() - started
      }))
    })
    req.on('error', reject)
    req.end(text)
  })
}
