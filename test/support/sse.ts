/**
 * A plain Server-Sent Events client over node:http, as a script would write one: it parses the lines of
 * the stream itself (the format of https://html.spec.whatwg.org/multipage/server-sent-events.html), so a
 * test sees exactly what went over the wire.
 */
import { request, type IncomingHttpHeaders } from 'node:http'

export interface SseEvent {
  event: string
  id: string | undefined
  data: string
}

export interface SseStream {
  status: number
  headers: IncomingHttpHeaders
  /** Every event so far, in order. */
  events: SseEvent[]
  /** Every comment line so far (without the leading colon). */
  comments: string[]
  /** Resolves when the server ends the response (cleanly). */
  ended: Promise<void>
  /** The body as text, when the answer was not a stream (an error). */
  text: () => Promise<string>
  /** Waits until `count` events have arrived; rejects after `ms`. */
  waitForEvents: (count: number, ms?: number) => Promise<SseEvent[]>
  /** Waits until a comment line matching `pattern` arrives. */
  waitForComment: (pattern: RegExp, ms?: number) => Promise<void>
  /** Hangs up. */
  close: () => void
}

export function openStream (url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = []
      const comments: string[] = []
      const waiters = new Set<() => void>()
      const notify = (): void => { for (const w of [...waiters]) w() }
      let raw = ''
      let buffered = ''
      let current: { event: string, id: string | undefined, data: string[] } = { event: 'message', id: undefined, data: [] }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        raw += chunk
        buffered += chunk
        const lines = buffered.split('\n')
        buffered = lines.pop() as string
        for (const line of lines) {
          if (line === '') {
            if (current.data.length > 0) events.push({ event: current.event, id: current.id, data: current.data.join('\n') })
            current = { event: 'message', id: undefined, data: [] }
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim())
          } else {
            const colon = line.indexOf(':')
            const field = colon < 0 ? line : line.slice(0, colon)
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
            if (field === 'event') current.event = value
            else if (field === 'id') current.id = value
            else if (field === 'data') current.data.push(value)
          }
        }
        notify()
      })
      const ended = new Promise<void>((resolve, reject) => {
        res.on('end', resolve)
        res.on('error', reject)
      })
      ended.catch(() => {})
      const until = (done: () => boolean, ms: number, what: string): Promise<void> => new Promise((resolve, reject) => {
        if (done()) return resolve()
        const check = (): void => {
          if (!done()) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`${what} within ${ms} ms; got ${events.length} events: ${JSON.stringify(events.map((e) => e.event))}`))
        }, ms)
        waiters.add(check)
      })
      resolve({
        status: res.statusCode as number,
        headers: res.headers,
        events,
        comments,
        ended,
        text: async () => {
          await ended
          return raw
        },
        waitForEvents: async (count, ms = 5000) => {
          await until(() => events.length >= count, ms, `no ${count} events`)
          return events.slice(0, count)
        },
        waitForComment: (pattern, ms = 5000) => until(() => comments.some((c) => pattern.test(c)), ms, `no comment ${pattern}`),
        close: () => { req.destroy() }
      })
    })
    req.on('error', reject)
    req.end()
  })
}
