import { Writable } from 'node:stream'
import Fastify from 'fastify'
import t from 'tap'
import { RequestLogger, redactedUrl, requestLogger } from '../src/log.js'
import { startMock } from '../src/index.js'
import { build } from './support/helper.js'
import { send } from './support/raw.js'

/** A stream keeping each line written to it, as text. */
function sink (): { stream: Writable, lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  return { stream, lines }
}

const SERVICE = '/v1/projects/default-project/services/example-service'
const AUTH = { authorization: 'Bearer log-test' }

t.test('redactedUrl hides every token query parameter, however its key is spelled, and nothing else', async (t) => {
  t.equal(redactedUrl('/_mock/state?token=secret'), '/_mock/state?token=***')
  t.equal(redactedUrl('/_mock/journal?method=POST&token=secret&limit=2'), '/_mock/journal?method=POST&token=***&limit=2')
  t.equal(redactedUrl('/_mock/state?%74oken=secret'), '/_mock/state?%74oken=***', 'an escaped key is the same key')
  t.equal(redactedUrl('/_mock/state?token=a&token=b'), '/_mock/state?token=***&token=***')
  t.equal(redactedUrl('/_mock/state?tokens=x&mytoken=y&token'), '/_mock/state?tokens=x&mytoken=y&token', 'other keys, and a key without a value')
  t.equal(redactedUrl('/_mock/state?%E0%A4%A=x'), '/_mock/state?%E0%A4%A=x', 'a key with a bad escape stays as it is')
  t.equal(redactedUrl('/v1/projects/p/services/s'), '/v1/projects/p/services/s')
})

t.test('no API token, admin token or namespace token reaches the log, whatever carries it', async (t) => {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  const secrets = ['api-secret-1', 'admin-secret-2', 'namespace-secret-3', 'query-secret-4', 'escaped-secret-5']
  const m = await startMock({ isolation: true, adminToken: secrets[1], logger: { level: 'trace', stream } })
  t.teardown(() => m.close())
  const admin = { 'x-mock-admin-token': secrets[1] as string }
  await send(m.url, 'GET', '/v1/projects/default-project/services/example-service', undefined, { authorization: `Bearer ${secrets[0]}` })
  await send(m.url, 'GET', '/v1/projects/nope/services/nope', undefined, { authorization: `Bearer ${secrets[0]}` })
  await send(m.url, 'GET', '/_mock/state', undefined, { ...admin, 'x-mock-namespace': secrets[2] as string })
  await send(m.url, 'GET', `/_mock/journal?token=${secrets[3]}`, undefined, admin)
  await send(m.url, 'GET', `/_mock/journal?%74oken=${secrets[4]}`, undefined, admin)
  await send(m.url, 'GET', '/_mock/state', undefined, { 'x-mock-admin-token': 'wrong-guess' })
  const scoped = m.admin // the client bound to the admin token
  await scoped.state({ token: secrets[2] })
  t.ok(lines.length >= 7, `${lines.length} log lines`)
  for (const secret of secrets) t.notOk(lines.some((line) => line.includes(secret)), `${secret} appears in no log line`)
  const urls = lines.map((line) => JSON.parse(line).url).filter((url) => url !== undefined)
  t.ok(urls.includes('/_mock/journal?token=***'), 'the query token is shown redacted')
  t.ok(urls.includes('/_mock/journal?%74oken=***'))
  t.ok(urls.filter((url) => url === '/_mock/state').length >= 2, 'the admin client names the namespace in a header, not the URL')
})

t.test('the request line is the one a child logger of the request writes: its id once, right after the base fields', async (t) => {
  const { stream, lines } = sink()
  const app = await build(t, { logger: { level: 'info', stream } })
  // A route whose request logs through its own logger first (an internal error), and one that logs nothing else.
  app.get('/boom', () => { throw new Error('boom') })
  // And one whose handler logs through the request's logger, which then makes its child.
  app.get('/talk', (request) => { request.log.info('talking'); return {} })
  const ok = await app.inject({ method: 'GET', url: SERVICE, headers: AUTH })
  const boom = await app.inject({ method: 'GET', url: '/boom' })
  const talk = await app.inject({ method: 'GET', url: '/talk' })
  t.equal(ok.statusCode, 200)
  t.equal(boom.statusCode, 500)
  t.equal(talk.statusCode, 200)
  const requestLines = lines.filter((line) => line.includes('"msg":"request"'))
  t.equal(requestLines.length, 3)
  for (const line of requestLines) {
    t.strictSame(Object.keys(JSON.parse(line)), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'url', 'statusCode', 'responseTime', 'msg'])
    t.equal(line.split('"reqId"').length, 2, 'the id appears once')
  }
  const [okLine, boomLine, talkLine] = requestLines.map((line) => JSON.parse(line))
  t.equal(talkLine.reqId, lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'talking').reqId, 'the handler\'s line and the request line share the id')
  t.type(okLine.reqId, 'string')
  t.not(okLine.reqId, boomLine.reqId)
  t.equal(boomLine.reqId, boom.json().error.id)
  t.equal(boomLine.statusCode, 500)
  const error = lines.map((line) => JSON.parse(line)).find((line) => line.level === 50)
  t.equal(error.reqId, boom.json().error.id, 'the error line, through the request\'s own logger, has the same id')
})

t.test('with --log-level warn no request line is written, and an error still names its request', async (t) => {
  const { stream, lines } = sink()
  const app = await build(t, { logger: { level: 'warn', stream } })
  app.get('/boom', () => { throw new Error('boom') })
  t.equal((await app.inject({ method: 'GET', url: SERVICE, headers: AUTH })).statusCode, 200)
  const boom = await app.inject({ method: 'GET', url: '/boom' })
  t.strictSame(lines.map((line) => [JSON.parse(line).level, JSON.parse(line).msg]), [[50, 'internal error']])
  t.equal(JSON.parse(lines[0] as string).reqId, boom.json().error.id)
})

t.test('a RequestLogger makes the child on first use, and then behaves as the child', async (t) => {
  const { stream, lines } = sink()
  const parent = Fastify({ logger: { level: 'info', stream } }).log
  const log = requestLogger(parent, { reqId: 'r-1' }, {})
  t.ok(log instanceof RequestLogger)
  const lazy = log as RequestLogger
  t.equal(lazy.level, 'info', 'the parent\'s level until a child is made')
  t.equal(lazy.unbound, parent, 'no child yet: lines go through the parent')
  lazy.debug('below the level: nothing, and no child')
  lazy.trace('nor this')
  t.equal(lazy.unbound, parent)
  t.equal(lines.length, 0)
  lazy.silent()
  lazy.info({ a: 1 }, 'one')
  lazy.warn('two')
  lazy.error('three')
  lazy.fatal('four')
  t.equal(lazy.unbound, undefined, 'a child was made')
  t.strictSame(lines.map((line) => [JSON.parse(line).reqId, JSON.parse(line).msg]), [['r-1', 'one'], ['r-1', 'two'], ['r-1', 'three'], ['r-1', 'four']])
  lazy.child({ more: 'x' }).info('five')
  t.matchStrict(JSON.parse(lines[4] as string), { reqId: 'r-1', more: 'x', msg: 'five' })
  lazy.level = 'debug'
  t.equal(lazy.level, 'debug')
  t.equal(parent.level, 'info', 'the level is the child\'s own')
  lazy.debug('six')
  t.equal(JSON.parse(lines[5] as string).msg, 'six')
  t.equal(lazy.isLevelEnabled('trace'), false)

  // A route with a level or serializers of its own gets the child itself.
  const own = requestLogger(parent, { reqId: 'r-2' }, { level: 'warn' })
  t.notOk(own instanceof RequestLogger)
  t.equal(own.level, 'warn')
})
