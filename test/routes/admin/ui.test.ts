/**
 * GET /_mock/ui as HTTP: one self-contained page, open without the admin token, that loads nothing from
 * elsewhere; and both new routes in the OpenAPI document. The page's behaviour is in ui.browser.test.ts.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { startMock } from '../../../src/index.js'
import { SCRIPT_FILE } from '../../../src/routes/admin/ui/index.js'
import { build } from '../../support/helper.js'

t.test('GET /_mock/ui is one HTML page, served without the admin token, that loads nothing from elsewhere', async (t) => {
  const app = await build(t, { adminToken: 'adm' })
  const res = await app.inject({ method: 'GET', url: '/_mock/ui' })
  t.equal(res.statusCode, 200, 'no token needed: a browser opening the URL cannot send one')
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-store')
  const html = res.body
  t.matchStrict(html, /^<!doctype html>\n<html lang="en">/)
  t.notMatch(html, /\b(?:src|href)="(?!#|data:)/, 'no script, stylesheet or link to fetch: everything is inline')
  t.notMatch(html, /https?:\/\//, 'no absolute URL at all')
  t.equal((await app.inject({ method: 'GET', url: '/_mock/state' })).statusCode, 401, 'the data behind it stays guarded')

  // The policy lets exactly the page's own script and style run, and talk to this emulator only.
  const csp = res.headers['content-security-policy'] as string
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] as string
  const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] as string
  t.matchStrict(csp, /^default-src 'none'; /)
  t.matchStrict(csp, `script-src ${hash(script)};`)
  t.matchStrict(csp, `style-src ${hash(style)};`)
  t.matchStrict(csp, "connect-src 'self';")
  t.equal((await app.inject({ method: 'GET', url: '/_mock/ui' })).body, html, 'the same page each time')
})

t.test('over HTTP, the CSP\'s script hash is that of the exact bytes served, which are the script file\'s', async (t) => {
  const m = await startMock({ logger: false })
  t.teardown(m.close)
  const res = await fetch(`${m.url}/_mock/ui`)
  const bytes = Buffer.from(await res.arrayBuffer())
  // The bytes between the tags, as a browser hashes an inline script (UTF-8; the script has non-ASCII text).
  const open = Buffer.from('<script>')
  const start = bytes.indexOf(open) + open.length
  const script = bytes.subarray(start, bytes.indexOf(Buffer.from('</script>'), start))
  t.equal(bytes.indexOf(open, start), -1, 'one script')
  t.ok(script.equals(readFileSync(SCRIPT_FILE)), 'the script served is the file, byte for byte')
  t.notOk(script.every((b) => b < 0x80), 'with characters beyond ASCII, so the hash is of the encoded bytes')
  const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`
  const csp = res.headers.get('content-security-policy') as string
  t.equal(/script-src ('sha256-[^']+');/.exec(csp)?.[1], hash, 'the policy allows exactly that script')
})

t.test('the OpenAPI document lists the page as text/html and the stream as text/event-stream, under Mock admin', async (t) => {
  const app = await build(t)
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const ui = doc.paths['/_mock/ui'].get
  t.equal(ui.operationId, 'MockInspector')
  t.strictSame(ui.tags, ['Mock admin'])
  t.type(ui.summary, 'string')
  t.type(ui.description, 'string')
  t.ok(ui.responses['200'].content['text/html'], 'text/html')
  t.strictSame(ui.security, [], 'no token')

  const stream = doc.paths['/_mock/journal/stream'].get
  t.equal(stream.operationId, 'MockStreamJournal')
  t.strictSame(stream.tags, ['Mock admin'])
  t.type(stream.description, 'string')
  t.ok(stream.responses['200'].content['text/event-stream'], 'text/event-stream')
  t.strictSame(stream.parameters.map((p: { in: string, name: string }) => `${p.in} ${p.name}`).sort(), [
    'header last-event-id', 'header x-mock-namespace', 'query job', 'query method', 'query project', 'query service', 'query since', 'query status', 'query token'
  ])
})
