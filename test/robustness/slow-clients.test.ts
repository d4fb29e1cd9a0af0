import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { build } from '../support/helper.js'

// Short timeouts, so that what a server does after them shows within the test.
const TIMEOUTS = { requestTimeout: 300, connectionTimeout: 1000, keepAliveTimeout: 500 }
const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

async function listening (t: Test): Promise<{ app: FastifyInstance, port: number }> {
  const app = await build(t, TIMEOUTS)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port }
}

interface Closed { data: string, error?: string }

/**
 * Opens a socket, writes `send`, and resolves with what came back once the server closes it; rejects if
 * the server has not closed it after `withinMs`, far beyond the timeouts above.
 */
function rawClient (port: number, send: string, withinMs = 10_000): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    let error: string | undefined
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`the server left the socket open for ${withinMs} ms (sent ${JSON.stringify(send.slice(0, 80))})`))
    }, withinMs)
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('error', (err: NodeJS.ErrnoException) => { error = err.code })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(error === undefined ? { data } : { data, error })
    })
    if (send !== '') socket.write(send)
  })
}

/** The status and JSON body of a raw HTTP answer. */
function parse (raw: string): { status: number, body: any } {
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) }
}

function health (port: number): Promise<number> {
  return fetch(`http://127.0.0.1:${port}/_mock/health`).then((res) => res.status)
}

t.test('clients that stop mid-request or send nothing get a 408 in the envelope and are disconnected', async (t) => {
  const { port } = await listening(t)
  const slow = [
    ...Array.from({ length: 20 }, () => ''),
    ...Array.from({ length: 20 }, () => `POST ${DEPLOYMENT} HTTP/1.1\r\nHost: x\r\nAuthor`),
    ...Array.from({ length: 20 }, () => 'GET /_mock/health HTTP/1.1\r\nHost: x\r\n')
  ].map((send) => rawClient(port, send))
  // 60 sockets hang, and the server still answers someone else at once.
  t.equal(await health(port), 200, 'health answers while slow clients hang')
  for (const { data } of await Promise.all(slow)) {
    const { status, body } = parse(data)
    t.equal(status, 408)
    t.matchStrict(body, { error: { status: 408, message: String, id: String, details: { reason: 'request-timeout' } } })
  }
  t.equal(await health(port), 200, 'health answers after')
})

t.test('a client that sends headers and part of the body, then stalls, is disconnected', async (t) => {
  const { port } = await listening(t)
  const send = `POST ${DEPLOYMENT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n` +
    'Content-Length: 1000\r\n\r\n{"external":'
  const closed = await Promise.all(Array.from({ length: 20 }, () => rawClient(port, send)))
  t.equal(closed.length, 20, 'all 20 were closed by the server')
  t.equal(await health(port), 200)
})

t.test('idle kept-alive sockets are closed after the keep-alive timeout', async (t) => {
  const { port } = await listening(t)
  const answers = await Promise.all(Array.from({ length: 50 }, () => rawClient(port, 'GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n')))
  for (const { data } of answers) t.equal(parse(data).status, 200)
  t.equal(await health(port), 200)
})

t.test('abandoned connections, closed by the client mid-body, leave the server answering', async (t) => {
  const { app, port } = await listening(t)
  const before = (await app.inject({ method: 'GET', url: DEPLOYMENT, headers: { authorization: 'Bearer t' } })).json()
  await Promise.all(Array.from({ length: 50 }, () => new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST ${DEPLOYMENT} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n` +
        'Content-Length: 100\r\n\r\n{"external":{"imagePath":"nginx:1"')
      socket.destroy()
      resolve()
    })
  })))
  t.equal(await health(port), 200)
  const after = (await app.inject({ method: 'GET', url: DEPLOYMENT, headers: { authorization: 'Bearer t' } })).json()
  t.strictSame(after, before, 'no half-sent update was applied')
})

t.test('clients that reset or half-close their connection mid-request leave the server answering', async (t) => {
  const { port } = await listening(t)
  const leave = (how: 'reset' | 'end') => new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST ${DEPLOYMENT} HTTP/1.1\r\nHost: x\r\nContent-Le`, () => {
        if (how === 'reset') socket.resetAndDestroy()
        else socket.end()
      })
    })
    socket.resume() // read to the end, so that the server's close is seen
    socket.on('error', () => {})
    socket.on('close', () => resolve())
  })
  await Promise.all([...Array.from({ length: 20 }, () => leave('reset')), ...Array.from({ length: 20 }, () => leave('end'))])
  t.equal(await health(port), 200)
})

t.test('what is not HTTP gets a 400 in the envelope; oversized headers a 431', async (t) => {
  const { port } = await listening(t)
  const cases: Array<[string, number]> = [
    ['hello\r\n\r\n', 400],
    ['GET / HTTP/9.9\r\n\r\n', 400],
    ['\u0000\u0001\u0002\r\n\r\n', 400],
    ['GET /_mock/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    [`GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431]
  ]
  for (const [send, expected] of cases) {
    const { status, body } = parse((await rawClient(port, send)).data)
    t.equal(status, expected, JSON.stringify(send.slice(0, 40)))
    t.matchStrict(body, { error: { status: expected, message: String, id: String, details: Object } })
  }
  t.equal(await health(port), 200)
})
