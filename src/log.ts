/**
 * The request log: one line per request, when it completes, instead of Fastify's "incoming" and
 * "completed" pair. Its `reqId` is the `id` of any error envelope sent, so a client's error can be found in
 * the log. No secret reaches it: headers are never logged (the Authorization value, the admin token), and a
 * `token` in the query string (an API token naming an isolation namespace, `?token=`) is shown as `***`.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * The URL with the value of every `token` query parameter replaced by `***`. Keys are compared decoded, as
 * the query parser decodes them (`?%74oken=` is `token` too), so no spelling slips through.
 */
export function redactedUrl (url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const parts = url.slice(q + 1).split('&')
  let changed = false
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const eq = part.indexOf('=')
    if (eq !== -1 && keyOf(part.slice(0, eq)) === 'token') {
      parts[i] = `${part.slice(0, eq)}=***`
      changed = true
    }
  }
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}` : url
}

function keyOf (raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return raw // a bad escape: the query parser keeps such a key as it is too
  }
}

export class OneLinePerRequest extends LogController {
  override incomingRequest (): void {}
  override requestCompleted (_error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    request.log.info({
      method: request.method,
      url: redactedUrl(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 1000) / 1000
    }, 'request')
  }
}
