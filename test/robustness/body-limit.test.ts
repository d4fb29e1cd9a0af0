import { request } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import t, { type Test } from 'tap'
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client'
import type { FastifyInstance } from 'fastify'
import type { AppOptions } from '../../src/app.js'
import { DRAIN_LIMITS } from '../../src/body-drain.js'
import { spawnCli } from '../support/cli.js'
import { scaled } from '../support/heavy.js'
import { build } from '../support/helper.js'

// A body over the limit, sent by clients that are still writing when the server decides: the 413 must
// reach them, and a client that never stops must be cut off. Real sockets throughout.

const PATH = '/v1/projects/default-project/services/example-service/deployment'
const HEADERS = { authorization: 'Bearer t', 'content-type': 'application/json' }
const MIB = 1024 * 1024

/** The emulator as a user runs it, in a process of its own: the failure this guards against needs two. */
async function serveInChild (t: Test): Promise<number> {
  const child = spawnCli(['--port', '0', '--host', '127.0.0.1'])
  child.stderr.pipe(process.stderr)
  t.teardown(() => { child.kill('SIGKILL') })
  const lines = createInterface({ input: child.stdout })
  for await (const line of lines) {
    const started = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
    if (started !== null) {
      child.stdout.resume() // one log line per request from here on: read and dropped
      return Number(started[1])
    }
  }
  throw new Error('the server stopped before listening')
}

async function serveHere (t: Test, options: AppOptions): Promise<{ app: FastifyInstance, port: number }> {
  const app = await build(t, { bodyLimit: 1024, ...options })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port }
}

/** 'ok' when the answer is the 413 envelope, else what the client got instead (a status, EPIPE…). */
function verdict (status: number, text: string): string {
  try {
    const { error } = JSON.parse(text)
    if (status === 413 && error.status === 413 && typeof error.message === 'string' && typeof error.id === 'string') return 'ok'
  } catch {}
  return `status ${status}`
}

const codeOf = (err: any): string => String(err?.code ?? err?.cause?.code ?? err?.message)

function viaNodeHttp (port: number, body: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: PATH, headers: HEADERS }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk })
      res.on('end', () => resolve(verdict(res.statusCode ?? 0, text)))
      res.on('error', (err) => resolve(codeOf(err)))
    })
    req.on('error', (err) => resolve(codeOf(err)))
    req.end(body)
  })
}

async function viaFetch (port: number, body: string): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${PATH}`, { method: 'POST', headers: HEADERS, body })
    return verdict(res.status, await res.text())
  } catch (err) {
    return codeOf(err)
  }
}

async function viaOfficialClient (port: number, body: string): Promise<string> {
  const contexts = new ApiClientInMemoryContextProvider()
  await contexts.addContext({ name: 'local', token: 't', host: `http://127.0.0.1:${port}` })
  const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: false })
  try {
    const res = await api.update.service.deployment({
      parameters: { projectId: 'default-project', serviceId: 'example-service' }, data: JSON.parse(body)
    })
    const error = res.error as { status: number, message: string, id: string } | undefined
    return res.rawResponse.status === 413 && error?.status === 413 && error.message.length > 0 && error.id.length > 0
      ? 'ok'
      : `status ${res.rawResponse.status}`
  } catch (err) {
    return codeOf(err)
  }
}

const ATTEMPTS = scaled(20)

t.test(`a 5 MiB body, ${ATTEMPTS} times from each of node:http, fetch and the official client: every attempt gets the 413 envelope`, async (t) => {
  const port = await serveInChild(t)
  const body = JSON.stringify({ external: { imagePath: `${'a'.repeat(5 * MIB)}:1` } })
  for (const [name, send] of [['node:http', viaNodeHttp], ['fetch', viaFetch], ['@northflank/js-client', viaOfficialClient]] as const) {
    const outcomes: Record<string, number> = {}
    for (let i = 0; i < ATTEMPTS; i++) {
      const outcome = await send(port, body)
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
    }
    t.strictSame(outcomes, { ok: ATTEMPTS }, `${name}: ${JSON.stringify(outcomes)}`)
  }
  t.equal(await viaFetch(port, '{}').then(() => fetch(`http://127.0.0.1:${port}/_mock/health`)).then((r) => r.status), 200,
    'and the server keeps serving')
})

interface Sent { bytes: number, answer: string, ms: number }

/**
 * A raw client that sends `head`, then body bytes for as long as the server lets it (`pace`: a chunk
 * whenever the socket takes one, or one every `pace` ms). Resolves when the server closes the connection,
 * with what was written and what came back; fails the test if that takes more than `withinMs`.
 */
function endlessSender (port: number, head: string, chunk: (n: number) => string, pace: 'full' | number, withinMs: number): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    let bytes = 0
    let answer = ''
    let open = true
    const socket = connect(port, '127.0.0.1')
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`still connected after ${withinMs} ms and ${bytes} bytes`))
    }, withinMs)
    const send = (): boolean => {
      const piece = chunk(bytes)
      bytes += Buffer.byteLength(piece)
      return socket.write(piece)
    }
    socket.on('connect', () => {
      socket.write(head)
      if (pace === 'full') {
        const pump = (): void => {
          let more = open // until the socket's buffers are full; 'drain' calls again
          while (more) more = send()
        }
        socket.on('drain', pump)
        pump()
      } else {
        const tick = setInterval(() => { if (open) send(); else clearInterval(tick) }, pace)
      }
    })
    socket.on('data', (data) => { answer += data.toString() })
    socket.on('error', () => {})
    socket.on('close', () => {
      open = false
      clearTimeout(timer)
      resolve({ bytes, answer, ms: Date.now() - started })
    })
  })
}

const head = (length: string) => `POST ${PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n${length}\r\n\r\n`
const CHUNK = 'x'.repeat(64 * 1024)
const chunked = (): string => `${CHUNK.length.toString(16)}\r\n${CHUNK}\r\n`

/** When a cut-off client did read something, it is the 413 envelope. */
function answeredWith413OrNothing (t: Test, answer: string): void {
  if (answer === '') {
    t.pass('cut off before it read the answer')
    return
  }
  t.matchStrict(answer, /^HTTP\/1\.1 413 /)
  t.matchStrict(answer, /"error":\{"status":413,/)
}

async function servesAfter (t: Test, port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, { method: 'POST', headers: HEADERS, body: '{"external":{"imagePath":"nginx:2"}}' })
  t.equal(res.status, 200, 'the server then serves a normal request')
}

t.test('a client that never stops sending is cut off once the cap is read, and the server keeps serving', async (t) => {
  // No time limit to speak of: only the byte cap can end it.
  const { port } = await serveHere(t, { oversizedBody: { maxMs: 120_000 } })
  const sent = await endlessSender(port, head('Transfer-Encoding: chunked'), chunked, 'full', 30_000)
  t.ok(sent.bytes > DRAIN_LIMITS.maxBytes, `it was read up to the cap of ${DRAIN_LIMITS.maxBytes} bytes (${sent.bytes} sent)`)
  answeredWith413OrNothing(t, sent.answer)
  await servesAfter(t, port)
})

t.test('a body declared larger than the cap is cut off without being read', async (t) => {
  const { port } = await serveHere(t, { oversizedBody: { maxMs: 120_000 } })
  const sent = await endlessSender(port, head(`Content-Length: ${1024 * MIB}`), () => CHUNK, 'full', 60_000)
  t.ok(sent.bytes < DRAIN_LIMITS.maxBytes, `only what the sockets buffer was sent (${sent.bytes} bytes)`)
  answeredWith413OrNothing(t, sent.answer)
  await servesAfter(t, port)
})

t.test('a client still sending when the time limit runs out is cut off', async (t) => {
  const { port } = await serveHere(t, { oversizedBody: { maxMs: 300 } })
  // 2 KiB at once (over the 1 KiB limit), then 100 bytes every 20 ms: it would take hours to end. Node's
  // own request timeout (30 s) would end it too, but much later than this test waits.
  const sent = await endlessSender(port, head(`Content-Length: ${MIB}`), (n) => 'x'.repeat(n === 0 ? 2048 : 100), 20, 5000)
  t.ok(sent.ms >= 250, `not before the limit (${sent.ms} ms)`)
  answeredWith413OrNothing(t, sent.answer)
  await servesAfter(t, port)
})

t.test('a client that leaves while its body is being discarded is answered at once, not at the time limit', async (t) => {
  const { port } = await serveHere(t, { oversizedBody: { maxMs: 120_000 } })
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head(`Content-Length: ${10 * MIB}`) + 'x'.repeat(2 * MIB), () => {
        socket.destroy()
        resolve()
      })
    })
  })
  // The journal records each answer as it is sent.
  const deadline = Date.now() + 5000
  let count = 0
  while (count === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const res = await fetch(`http://127.0.0.1:${port}/_mock/journal/count?status=413`)
    count = ((await res.json()) as { count: number }).count
  }
  t.equal(count, 1, 'the 413 was answered within 5 s')
  await servesAfter(t, port)
})
