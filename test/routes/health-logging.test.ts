import { Writable } from 'node:stream'
import t from 'tap'
import { build } from '../support/helper.js'

// Docker's healthcheck asks /_mock/health every second; those requests must not bury the API's log lines.
t.test('health requests are not logged at info, API requests are', async (t) => {
  const lines: Array<{ url?: string, statusCode?: number }> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    }
  })
  const app = await build(t, { logger: { level: 'info', stream } })
  t.equal((await app.inject({ method: 'GET', url: '/_mock/health' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/v1/projects/p/services/s' })).statusCode, 401)
  t.strictSame(lines.filter((line) => line.url !== undefined).map((line) => [line.url, line.statusCode]), [['/v1/projects/p/services/s', 401]])
})
