/**
 * What a web page the developer visits can do to the control plane, in a real browser: a page of another
 * origin posting to it (fetch with mode: 'no-cors', a form), and a DNS-rebinding page (a name of the
 * attacker's that now resolves to 127.0.0.1, so its requests are same-origin to the browser). Chromium's
 * --host-resolver-rules plays the rebinding DNS; the attacker's page is served by Playwright's router, so
 * only the page's own requests reach the emulator. Each attempt is seen arriving (the request log), so a
 * browser that sent nothing could not pass for a refusal.
 */
import { createServer, type Server } from 'node:http'
import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { startMock, type MockServer } from '../../../src/index.js'
import { launchChromium } from '../../support/chromium.js'

const REBOUND = 'rebind.test'
// Chromium's own Private Network Access checks would block the rebound requests before they are sent (a
// public page calling loopback); Firefox and Safari have no such check, so the emulator must refuse them
// itself: the checks are switched off here, to see that it does.
const chromium = await launchChromium([
  `--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`,
  '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,' +
    'LocalNetworkAccessChecks'
])
t.teardown(() => chromium.close())

const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

interface Logged { url?: string, method?: string, statusCode?: number }

/** An emulator with one deployment made, whose request log lines are kept. */
async function mock (t: Test): Promise<{ m: MockServer, logged: Logged[] }> {
  const logged: Logged[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString()))
      done()
    }
  })
  const m = await startMock({ logger: { level: 'info', stream } })
  t.teardown(m.close)
  const res = await fetch(`${m.url}${DEPLOYMENT}`, {
    method: 'POST',
    headers: { authorization: 'Bearer mine', 'content-type': 'application/json' },
    body: JSON.stringify({ external: { imagePath: 'nginx:mine' } })
  })
  t.equal(res.status, 200)
  return { m, logged }
}

/** Waits until the log holds `count` answers to `method url`; returns their statuses. */
async function answered (logged: Logged[], method: string, url: string, count: number): Promise<number[]> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const found = logged.filter((l) => l.method === method && l.url === url).map((l) => l.statusCode as number)
    if (found.length >= count || Date.now() > deadline) return found
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A page of another origin (another port on this machine: a site the developer visits), serving `html`. */
async function otherSite (t: Test, html: string): Promise<string> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => {
    server.close(resolve)
    server.closeAllConnections() // the browser's kept-alive sockets would hold the close for a minute
  }))
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`
}

t.test('a page of another site cannot reset the emulator, by fetch with no-cors or by a form', async (t) => {
  const { m, logged } = await mock(t)
  const before = await m.admin.state()
  const page = await chromium.context.newPage()
  t.teardown(() => page.close())
  const attack = `<!doctype html><body>
    <iframe name="sink"></iframe>
    <form id="f" method="post" action="${m.url}/_mock/reset" target="sink"><input name="a" value="b"></form>
    <script>
      fetch('${m.url}/_mock/reset', { method: 'POST', mode: 'no-cors' });
      fetch('${m.url}/_mock/faults', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"action":{"status":503}}' });
      document.getElementById('f').submit();
    </script></body>`
  await page.goto(await otherSite(t, attack))
  t.strictSame(await answered(logged, 'POST', '/_mock/reset', 2), [403, 403], 'both resets arrived, and were refused')
  t.strictSame(await answered(logged, 'POST', '/_mock/faults', 1), [403], 'the fault rule too')
  t.strictSame(await m.admin.state(), before, 'the deployment is still there')
  t.strictSame(await m.admin.faults(), [])
})

t.test('a DNS-rebinding page (its name now resolving to 127.0.0.1) can neither read the journal nor reset', async (t) => {
  const { m, logged } = await mock(t)
  const before = await m.admin.state()
  const port = new URL(m.url).port
  const page = await chromium.context.newPage()
  t.teardown(() => page.close())
  // The attacker's page, as their server sent it before the name was rebound; every later request of the
  // page goes to the emulator, same-origin as far as the browser knows.
  await page.route(`http://${REBOUND}:${port}/`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><body><script>
      Promise.all([
        fetch('/_mock/journal').then((r) => r.status),
        fetch('/_mock/reset', { method: 'POST' }).then((r) => r.status)
      ]).then((s) => { document.body.dataset.statuses = s.join(','); });
    </script></body>`
  }))
  await page.goto(`http://${REBOUND}:${port}/`)
  await page.locator('body[data-statuses]').waitFor({ state: 'attached' })
  t.equal(await page.locator('body').getAttribute('data-statuses'), '403,403', 'the page saw two refusals')
  t.strictSame(await answered(logged, 'GET', '/_mock/journal', 1), [403], 'the journal read reached the emulator')
  t.strictSame(await m.admin.state(), before, 'nothing was reset')
})

t.test('the inspector, served by the emulator itself, still resets (same origin)', async (t) => {
  const { m, logged } = await mock(t)
  const page = await chromium.context.newPage()
  t.teardown(() => page.close())
  await page.goto(`${m.url}/_mock/ui`)
  page.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
  await page.locator('#reset').click()
  t.strictSame(await answered(logged, 'POST', '/_mock/reset', 1), [200])
  const read = await fetch(`${m.url}${DEPLOYMENT}`, { headers: { authorization: 'Bearer mine' } })
  t.equal(((await read.json()) as { data: { external: { imagePath: string } } }).data.external.imagePath, 'nginx:latest', 'back to the fixtures')
})
