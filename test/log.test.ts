import { Writable } from 'node:stream'
import t from 'tap'
import { redactedUrl } from '../src/log.js'
import { startMock } from '../src/index.js'
import { send } from './support/raw.js'

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
