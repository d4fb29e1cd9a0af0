/**
 * GET /_mock/journal/stream: the journal as Server-Sent Events (the format of the WHATWG HTML standard,
 * https://html.spec.whatwg.org/multipage/server-sent-events.html), for the inspector page and for scripts
 * (`curl -N`, an EventSource). Each entry appended in scope that matches the filters is sent as it
 * arrives: `event: entry`, `id: <seq>`, `data: <the entry as GET /_mock/journal shows it>`. With `?since=N`
 * (or the Last-Event-ID header a reconnecting EventSource sends) the matching entries the journal already
 * holds above N come first, so a client that reconnects misses nothing the journal still has.
 *
 * A stream costs nothing until someone connects: it subscribes to the journal while its client is
 * connected and unsubscribes when the client goes, the server closes, or the client falls too far behind.
 */
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ADMIN_TAG, JournalStreamHeadersSchema, JournalStreamQuerySchema } from '../../../schemas/admin.js'
import { ErrorEnvelopeSchema } from '../../../schemas/error.js'
import type { Emulator } from '../../domain/emulator.js'
import { matches, view, type Recorded } from '../../domain/journal.js'
import { Errors } from '../../errors.js'
import { filterOf } from './journal.js'
import { scopeOf } from './scope.js'

/** Between two heartbeat comments, so that proxies and clients do not take a quiet stream for a dead one. */
export const HEARTBEAT_MS = 15_000

/**
 * Bytes of new entries a stream may queue for a client that does not read. Past it the client gets
 * `event: overflow` and the stream ends: the client reconnects with `since` (or Last-Event-ID) and reads
 * the rest from the journal, rather than the emulator buffering without bound for it. (The entries asked
 * for with `since` are written as the client reads them: the journal holds them already.)
 */
export const STREAM_BUFFER_BYTES = 4 * 1024 * 1024

/** When the server closes, how long a client has to read the rest of its stream before its socket is cut. */
export const CLOSE_GRACE_MS = 1000

export interface StreamOptions {
  /** Milliseconds between heartbeats (default HEARTBEAT_MS). */
  heartbeatMs?: number
}

/** One SSE message; JSON.stringify escapes line breaks, so the data is always one `data:` line. */
function message (event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

export function journalStreamRoutes (app: FastifyInstance, emulator: Emulator, options: StreamOptions = {}): void {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS
  /** How to end each open stream: all are ended when the server closes, so app.close() never waits on a client. */
  const open = new Set<() => void>()
  app.addHook('preClose', (done) => {
    for (const end of open) end()
    done()
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/journal/stream', {
    schema: {
      tags: [ADMIN_TAG],
      operationId: 'MockStreamJournal',
      summary: 'Requests to the emulated API as they are journaled, as Server-Sent Events',
      description: 'Each new entry in scope that matches the filters (those of GET /_mock/journal) is sent as `event: entry` ' +
        'with `id: <seq>` and the entry as JSON in `data`; a comment line every 15 s keeps the connection alive. `since=N` ' +
        '(or a Last-Event-ID header) first sends the matching entries held above N. A client that falls 4 MiB behind gets ' +
        '`event: overflow` (data: the last id sent) and the stream ends: reconnect with `since`. The stream ends when ' +
        'the server closes.',
      querystring: JournalStreamQuerySchema,
      headers: JournalStreamHeadersSchema,
      response: {
        200: {
          description: 'An endless text/event-stream',
          content: { 'text/event-stream': { schema: { type: 'string' } } }
        },
        '4xx': ErrorEnvelopeSchema,
        '5xx': ErrorEnvelopeSchema
      }
    }
  }, async (request, reply) => {
    const q = request.query
    const token = scopeOf(request)
    const filter = filterOf(q)
    const after = Math.max(Number(q.since ?? -1), Number(request.headers['last-event-id'] ?? -1))
    // As every admin route: a token scope without isolation is a 400, before anything is sent.
    if (token !== undefined && !emulator.isolation) throw Errors.isolationOff()
    const held = after < 0 ? [] : emulator.journal(token, filter).filter((e) => e.seq > after)

    const stream = new PassThrough()
    /** Entries queued behind a slow client, as their messages: at most STREAM_BUFFER_BYTES of them. */
    const pending: Array<{ seq: number, text: string }> = []
    let pendingBytes = 0
    /** The backlog is written as the client reads it, from `held` (the journal holds those entries anyway). */
    let next = 0
    /** Waiting for the client to read what was written (the stream's 'drain'). */
    let blocked = false
    let over = false
    /** The seq of the last entry handed to the client. */
    let last = after

    /** False when the client has yet to read what was written: then `pump` goes on once it has. */
    const write = (text: string): boolean => {
      if (stream.write(text)) return true
      blocked = true
      stream.once('drain', pump)
      return false
    }
    /** Writes the backlog, then what queued up, until the client stops reading. */
    function pump (): void {
      blocked = false
      for (;;) {
        const entry = held[next]
        let text: string
        if (entry !== undefined) {
          next++
          last = entry.seq
          text = message('entry', view(entry), entry.seq)
        } else {
          const queued = pending.shift()
          if (queued === undefined) return
          pendingBytes -= queued.text.length
          last = queued.seq
          text = queued.text
        }
        if (!write(text)) return
      }
    }
    const send = (entry: Recorded): void => {
      if (over) return
      const text = message('entry', view(entry), entry.seq)
      if (!blocked && next === held.length && pending.length === 0) {
        last = entry.seq
        write(text)
      } else if (pendingBytes + text.length <= STREAM_BUFFER_BYTES) {
        pending.push({ seq: entry.seq, text })
        pendingBytes += text.length
      } else {
        over = true
        pending.length = 0
        // Nothing more is written: what was queued goes, and so does the wait for the client.
        stream.removeListener('drain', pump)
        stream.end(message('overflow', { lastId: last }))
      }
    }

    // Subscribed before the backlog is written, in the same tick: no entry can fall between the two.
    const unsubscribe = emulator.journals.subscribe((entry, journal) => {
      if (token !== undefined && journal.token !== token) return
      if (matches(entry, filter)) send(entry)
    })
    // Real time, not the emulator's clock: it is the connection that must look alive. Only when idle: an
    // entry on its way says as much.
    const heartbeat = setInterval(() => {
      if (!blocked && !over && next === held.length && pending.length === 0) write(': heartbeat\n\n')
    }, heartbeatMs)
    stream.once('close', () => {
      unsubscribe()
      clearInterval(heartbeat)
    })
    let grace: NodeJS.Timeout | undefined
    const end = (): void => {
      stream.end()
      // A client that stopped reading would hold the response, and so app.close(), until the socket timed out.
      grace = setTimeout(() => reply.raw.destroy(), CLOSE_GRACE_MS)
    }
    open.add(end)
    reply.raw.once('close', () => {
      open.delete(end)
      clearTimeout(grace)
    })

    // A first line at once: the client has the headers (and knows it is subscribed) before any entry.
    write(': northflank-mock journal stream\n\n')
    pump()
    return reply
      .type('text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      // The socket goes with the stream, so closing the server never waits for an idle keep-alive.
      .header('connection', 'close')
      // Proxies such as nginx would otherwise hold events back to fill their buffers.
      .header('x-accel-buffering', 'no')
      .send(stream)
  })
}
