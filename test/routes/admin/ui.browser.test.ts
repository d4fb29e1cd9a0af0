/**
 * The inspector at /_mock/ui in a real browser: Debian's Chromium driven by playwright-core, against an
 * emulator listening on a real port. One browser for the file (a launch is the slow part); a fresh page,
 * and so a fresh sessionStorage, per test.
 */
import { mkdirSync } from 'node:fs'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { startMock, type MockServer, type StartOptions } from '../../../src/index.js'
import { launchChromium } from '../../support/chromium.js'

const PROJECT = 'default-project'
const SERVICE = 'example-service'
const DEPLOYMENT = `/v1/projects/${PROJECT}/services/${SERVICE}/deployment`
const ARTIFACTS = 'test-artifacts'

const chromium = await launchChromium()
t.teardown(chromium.close)

async function mock (t: Test, options: StartOptions = {}): Promise<MockServer> {
  const m = await startMock(options)
  t.teardown(m.close)
  return m
}

/** What each page's script threw or logged as an error. */
const pageErrors = new WeakMap<Page, string[]>()

/** A fresh page on the inspector, closed when the test ends. */
async function open (t: Test, m: MockServer): Promise<Page> {
  const page = await blank(t)
  await goto(page, `${m.url}/_mock/ui`)
  return page
}

/** A fresh page, not yet on the inspector (to route its requests first), closed when the test ends. */
async function blank (t: Test): Promise<Page> {
  const page = await chromium.context.newPage()
  const errors: string[] = []
  pageErrors.set(page, errors)
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (message) => {
    // Chromium logs each 4xx answer it fetched ("Failed to load resource"): the prompt's 401s are expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text())
  })
  t.teardown(() => page.close())
  return page
}

/**
 * Chromium aborts a navigation with ERR_NETWORK_CHANGED when the host's network interfaces change (other
 * jobs on a shared machine add and remove them); that is the machine, not the page: try again.
 */
async function goto (page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url)
      return
    } catch (err) {
      if (attempt === 3 || !String(err).includes('ERR_NETWORK_CHANGED')) throw err
    }
  }
}

/** Every test ends with this: the page's script threw nothing and logged no error. */
function noErrors (t: Test, page: Page): void {
  t.strictSame(pageErrors.get(page), [], 'no error in the page')
}

function send (m: MockServer, method: string, path: string, body?: unknown, token = 'secret-api-token') {
  return fetch(`${m.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

const deploy = (m: MockServer, image: string, token?: string) => send(m, 'POST', DEPLOYMENT, { external: { imagePath: image } }, token)
// Rows are picked by what they are: their status attribute, or their path column. Never by a row's whole
// text, which holds its seq and time: "200" is in `#2` `00:15:20.004`, whatever the status.
/** The rows of requests to `path`. */
const row = (page: Page, path: string) => page.locator('#entries > li').filter({ has: page.locator('span.path', { hasText: path }) })
/** The rows whose request answered `status`. */
const rowOfStatus = (page: Page, status: number) => page.locator(`#entries > li[data-status="${status}"]`)
const service = (page: Page, id = SERVICE) => page.locator(`article.service[data-service="${id}"]`)

t.test('the page renders the state, the controls and a request sent before it loaded', async (t) => {
  const m = await mock(t)
  await deploy(m, 'nginx:before')
  const page = await open(t, m)
  const entry = row(page, DEPLOYMENT)
  await entry.waitFor()
  t.matchStrict(await entry.locator('summary').innerText(), /#1\s+\S+\s+POST\s+\/v1\/projects\/default-project\/services\/example-service\/deployment\s+200/)
  await service(page).getByText('image nginx:before').waitFor()
  t.equal(await service(page).locator('.badge').innerText(), 'COMPLETED', 'the rollout, as GET service derives it')
  t.matchStrict(await service(page).innerText(), /Instances\s+1/)
  t.matchStrict(await page.locator('#settings').innerText(), /Clock\s+system/)
  t.matchStrict(await page.locator('#settings').innerText(), /Latency\s+0 ms/)
  t.equal(await page.locator('#live').innerText(), 'Live')
  t.equal(await page.locator('#namespace-form').isVisible(), false, 'no namespace selector without isolation')
  noErrors(t, page)
})

t.test('until its first read of the journal answers, the list says it is loading; then that it is empty, until a request comes', async (t) => {
  const m = await mock(t)
  const page = await blank(t)
  // The page's read of the journal, held until the test lets it go.
  let release = (): void => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  await page.route(/\/_mock\/journal\?/, async (route) => {
    await held
    await route.continue()
  })
  const reading = page.waitForRequest(/\/_mock\/journal\?/, { timeout: 10_000 })
  await goto(page, `${m.url}/_mock/ui`)
  await reading
  const empty = page.locator('#journal-empty')
  t.equal(await empty.innerText(), 'Loading the requests…', 'not "no request" while the journal is still being read')
  await page.locator('#version').getByText(/^v/).waitFor()
  t.equal(await empty.innerText(), 'Loading the requests…', 'still, once the rest of the page is there')
  release()
  await empty.getByText('No request to the emulated API yet. They appear here as they arrive.').waitFor()
  await deploy(m, 'nginx:first')
  await row(page, DEPLOYMENT).waitFor()
  t.equal(await empty.isVisible(), false)
  noErrors(t, page)
})

t.test('when the read of the journal fails, the list says why; the stream then fills it once it connects', async (t) => {
  const m = await mock(t)
  await deploy(m, 'nginx:kept')
  const page = await blank(t)
  await page.route(/\/_mock\/journal\?/, (route) => route.fulfill({
    status: 500, contentType: 'application/json', body: JSON.stringify({ error: { status: 500, message: 'Internal server error' } })
  }))
  await page.route(/\/_mock\/journal\/stream\?/, (route) => route.abort())
  await goto(page, `${m.url}/_mock/ui`)
  const empty = page.locator('#journal-empty')
  await empty.getByText(/^Could not read/).waitFor()
  t.equal(await empty.innerText(), 'Could not read the journal: GET journal?limit=2000: 500 Internal server error')
  t.equal(await empty.getAttribute('class'), 'note error')
  await page.locator('#live', { hasText: 'Reconnecting' }).waitFor()
  await page.unrouteAll()
  await row(page, DEPLOYMENT).waitFor({ timeout: 10_000 })
  t.equal(await empty.isVisible(), false)
  noErrors(t, page)
})

t.test('a request sent after the page loaded appears within 1 s, without a reload; the state follows', async (t) => {
  const m = await mock(t)
  const page = await open(t, m)
  await page.locator('#live', { hasText: 'Live' }).waitFor()
  await page.evaluate('window.loadedOnce = true')
  await deploy(m, 'nginx:after')
  await row(page, DEPLOYMENT).waitFor({ timeout: 1000 })
  t.equal(await page.evaluate('window.loadedOnce'), true, 'the same document: no reload')
  await service(page).getByText('image nginx:after').waitFor({ timeout: 5000 })
  t.pass('the state was refetched after the new entry')
  noErrors(t, page)
})

t.test('expanding an entry shows its headers (token redacted), its body pretty-printed and the response; a 400 lists its problems by path', async (t) => {
  const m = await mock(t)
  await deploy(m, 'nginx:expand')
  await send(m, 'POST', DEPLOYMENT, { docker: { configType: 'customCommand' }, bogus: 1 })
  const page = await open(t, m)
  const ok = rowOfStatus(page, 200)
  await ok.locator('summary').click()
  t.equal(await ok.locator('pre.body').innerText(), JSON.stringify({ external: { imagePath: 'nginx:expand' } }, null, 2))
  t.equal(await ok.locator('pre.response').innerText(), JSON.stringify({ data: {} }, null, 2))
  t.equal(await ok.locator('table.headers tr', { hasText: 'authorization' }).locator('td').innerText(), 'Bearer ***')
  t.notMatch(await page.locator('body').innerText(), /secret-api-token/, 'the API token appears nowhere')

  const refused = rowOfStatus(page, 400)
  t.matchStrict(await refused.getAttribute('class'), /\bs4\b/, 'a 4xx is highlighted')
  // By keyboard: the entry's summary takes the focus and opens with Enter.
  await refused.locator('summary').focus()
  await page.keyboard.press('Enter')
  // The entry renders as it opens: read its problems once the first is there, not before.
  await refused.locator('ul.problems li').first().waitFor({ timeout: 5000 })
  const problems = await refused.locator('ul.problems li').allInnerTexts()
  t.ok(problems.some((p) => p.startsWith('body.docker.customCommand')), problems.join(' | '))
  t.ok(problems.some((p) => p.startsWith('body.bogus')), problems.join(' | '))

  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: `${ARTIFACTS}/inspector.png` })
  noErrors(t, page)
})

t.test('the filters narrow the list: method, status class, project, service and text', async (t) => {
  const m = await mock(t)
  await deploy(m, 'nginx:one')
  await send(m, 'GET', `/v1/projects/${PROJECT}/services/${SERVICE}`)
  await send(m, 'POST', DEPLOYMENT, '{oops')
  await send(m, 'GET', '/v1/projects/other/services/x')
  const page = await open(t, m)
  await page.locator('#entries > li').nth(3).waitFor()
  const shown = async () => (await page.locator('#entries > li:visible .seq').allInnerTexts()).join(' ')
  t.equal(await shown(), '#4 #3 #2 #1', 'newest first')
  const filters = page.locator('#filters')
  await filters.getByLabel('Method').selectOption('GET')
  t.equal(await shown(), '#4 #2')
  await filters.getByLabel('Status').selectOption('4')
  t.equal(await shown(), '#4')
  await filters.getByLabel('Method').selectOption('')
  t.equal(await shown(), '#4 #3')
  await filters.getByLabel('Project').fill(PROJECT)
  t.equal(await shown(), '#3')
  await filters.getByLabel('Status').selectOption('')
  await filters.getByLabel('Service').fill(SERVICE)
  t.equal(await shown(), '#3 #2 #1')
  // "/" jumps to the search box from anywhere on the page.
  await page.locator('#journal-title').click()
  await page.keyboard.press('/')
  t.equal(await page.evaluate('document.activeElement.name'), 'text')
  await page.keyboard.type('NGINX:ONE')
  t.equal(await shown(), '#2 #1', 'the text search looks into bodies (#1) and responses (#2, GET service), in any case')
  t.matchStrict(await page.locator('#journal-count').innerText(), /2 of 4/)
  noErrors(t, page)
})

t.test('jobs: the state shows each job with its type, schedule and source, and the job filter narrows the list', async (t) => {
  const m = await mock(t)
  await send(m, 'POST', `/v1/projects/${PROJECT}/jobs/example-job/deployment`, { external: { imagePath: 'ghcr.io/acme/batch:3' } })
  await send(m, 'GET', `/v1/projects/${PROJECT}/jobs/example-cron-job`)
  await deploy(m, 'nginx:beside')
  const page = await open(t, m)
  const card = page.locator('article.job[data-job="example-job"]')
  await card.locator('dd', { hasText: 'ghcr.io/acme/batch:3' }).waitFor()
  t.matchStrict(await card.locator('h3').innerText(), /example-job\s*manual job · Example job/)
  const cron = page.locator('article.job[data-job="example-cron-job"]')
  t.matchStrict(await cron.innerText(), /30 8 \* \* \*/, 'the schedule')
  t.matchStrict(await cron.innerText(), /build of example-build-service/, 'the source')
  await page.locator('#entries > li').nth(2).waitFor()
  await page.locator('#filters').getByLabel('Job').fill('example-job')
  t.strictSame(await page.locator('#entries > li:visible .path').allInnerTexts(), [`/v1/projects/${PROJECT}/jobs/example-job/deployment`])
  noErrors(t, page)
})

t.test('with an admin token set, the page asks for it once, keeps it for the tab and sends it as a header', async (t) => {
  const m = await mock(t, { adminToken: 'adm-token' })
  await deploy(m, 'nginx:guarded')
  const urls: string[] = []
  const streamHeaders: Array<Record<string, string>> = []
  const page = await open(t, m)
  // Requests made from here on; the page's first calls are already on their way to a 401.
  page.on('request', (request) => {
    urls.push(request.url())
    if (request.url().includes('/journal/stream')) streamHeaders.push(request.headers())
  })

  const dialog = page.locator('#token-dialog')
  await dialog.waitFor()
  await page.locator('#token-input').fill('wrong')
  await page.keyboard.press('Enter')
  await dialog.getByText('refused that admin token').waitFor()
  await page.locator('#token-input').fill('adm-token')
  await dialog.getByRole('button', { name: 'Use this token' }).click()
  await row(page, DEPLOYMENT).waitFor()
  await service(page).getByText('image nginx:guarded').waitFor()
  t.equal(await dialog.isVisible(), false)

  await page.reload()
  await row(page, DEPLOYMENT).waitFor()
  t.equal(await dialog.isVisible(), false, 'kept in sessionStorage: not asked again after a reload')
  t.equal(streamHeaders.at(-1)?.['x-mock-admin-token'], 'adm-token', 'the stream got the token as a header')
  t.notOk(urls.some((url) => url.includes('adm-token') || url.includes('wrong')), 'and no URL carried it')
  noErrors(t, page)
})

t.test('cancelling the token prompt says what is missing', async (t) => {
  const m = await mock(t, { adminToken: 'adm-token' })
  const page = await open(t, m)
  await page.locator('#token-dialog').waitFor()
  await page.keyboard.press('Escape')
  await page.locator('#banner', { hasText: 'needs the admin token' }).waitFor()
  t.equal(await page.locator('#live').innerText(), 'Not connected')
  noErrors(t, page)
})

t.test('isolation: the namespace selector scopes the journal and the state to one API token', async (t) => {
  const m = await mock(t, { isolation: true })
  await deploy(m, 'nginx:a', 'token-a')
  await deploy(m, 'nginx:b', 'token-b')
  const page = await open(t, m)
  await page.locator('#entries > li').nth(1).waitFor()
  await page.locator('#state-scope', { hasText: 'default namespace' }).waitFor()
  await page.locator('#namespace').fill('token-a')
  await page.getByRole('button', { name: 'Show' }).click()
  await service(page).getByText('image nginx:a').waitFor()
  await page.locator('#entries > li').first().locator('summary').click()
  await page.locator('#entries pre.body', { hasText: 'nginx:a' }).waitFor()
  t.equal(await page.locator('#entries > li').count(), 1, 'only token-a\'s request')
  await deploy(m, 'nginx:a2', 'token-a')
  await deploy(m, 'nginx:b2', 'token-b')
  await page.locator('#entries > li').nth(1).waitFor({ timeout: 1000 })
  await service(page).getByText('image nginx:a2').waitFor()
  t.equal(await page.locator('#entries > li').count(), 2, 'new requests of that namespace only')
  noErrors(t, page)
})

t.test('clearing the journal and resetting ask for confirmation first', async (t) => {
  const m = await mock(t)
  await deploy(m, 'nginx:kept')
  const page = await open(t, m)
  await row(page, DEPLOYMENT).waitFor()
  const prompts: string[] = []

  page.once('dialog', (d) => { prompts.push(d.message()); d.dismiss().catch(() => {}) })
  await page.getByRole('button', { name: 'Clear the journal…' }).click()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal((await m.admin.journal()).length, 1, 'dismissed: nothing cleared')
  t.equal(await page.locator('#entries > li').count(), 1)

  page.once('dialog', (d) => { prompts.push(d.message()); d.accept().catch(() => {}) })
  await page.getByRole('button', { name: 'Clear the journal…' }).click()
  await page.locator('#journal-empty').waitFor()
  t.equal((await m.admin.journal()).length, 0, 'accepted: cleared')

  await m.admin.setClock({ mode: 'manual' })
  await page.locator('#settings', { hasText: 'manual' }).waitFor({ timeout: 5000 })
  page.once('dialog', (d) => { prompts.push(d.message()); d.accept().catch(() => {}) })
  await page.getByRole('button', { name: 'Reset the emulator…' }).click()
  await page.locator('#settings', { hasText: 'system,' }).waitFor()
  const source = (await m.admin.state()).projects[PROJECT]?.services[SERVICE]?.deployment?.source
  t.not(source?.kind === 'external' && source.imagePath, 'nginx:kept', 'the state is back to the fixtures')
  await service(page).getByText('image nginx:kept').waitFor({ state: 'detached' })
  t.matchStrict(prompts, [/^Clear the journal of every namespace\?/, /^Clear the journal/, /^Reset state, journal, fault rules/])
  noErrors(t, page)
})

t.test('the layout: two columns at 1280×800, one in a narrow window with nothing to scroll sideways; a dark theme', async (t) => {
  const m = await mock(t)
  await send(m, 'POST', DEPLOYMENT, { external: { imagePath: `nginx:${'long-tag-'.repeat(20)}` }, bogus: 'x'.repeat(300) })
  const page = await open(t, m)
  await row(page, DEPLOYMENT).locator('summary').click()
  await page.locator('#entries pre.body').waitFor()
  await service(page).waitFor()
  const box = async (selector: string) => await page.locator(selector).boundingBox() as { x: number, y: number, width: number }
  const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')

  t.ok((await box('#state')).x > (await box('#journal')).x + (await box('#journal')).width - 1, '1280×800: the state beside the journal')
  t.equal(await overflow(), 0, '1280×800: no sideways scrolling')
  await page.setViewportSize({ width: 360, height: 740 })
  t.ok((await box('#state')).y > (await box('#journal')).y, 'narrow: the state below the journal')
  t.equal((await box('#state')).x, (await box('#journal')).x)
  t.equal(await overflow(), 0, 'narrow: no sideways scrolling, even with a long path and body')

  const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor')
  const light = await background()
  await page.emulateMedia({ colorScheme: 'dark' })
  t.not(await background(), light, 'prefers-color-scheme: dark gives a dark theme')
  noErrors(t, page)
})

t.test('the page keeps the newest 2000 requests and says so', async (t) => {
  const m = await mock(t, { journalSize: 2100 })
  const { emulator } = m.app
  for (let i = 0; i < 2003; i++) {
    emulator.base.journal.append({ seq: emulator.nextSeq(), at: Date.now(), method: 'GET', url: '/v1/x', params: {}, headers: {}, body: undefined, status: 404, response: undefined, duration: 1 })
  }
  const page = await open(t, m)
  await page.locator('#journal-note', { hasText: 'keeps the newest 2000' }).waitFor()
  t.equal(await page.locator('#entries > li').count(), 2000)
  t.equal(await page.locator('#entries > li .seq').first().innerText(), '#2003')
  t.equal(await page.locator('#entries > li .seq').last().innerText(), '#4', 'the oldest three went')
  noErrors(t, page)
})

t.test('when the emulator restarts, the page reconnects by itself and shows the new emulator\'s requests', async (t) => {
  const first = await startMock()
  const started = Date.now()
  const { port } = new URL(first.url)
  await deploy(first, 'nginx:first')
  const page = await open(t, first)
  await row(page, DEPLOYMENT).waitFor()
  // The page tells a restart by the emulator's start time: let this one be clearly later.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1500 - (Date.now() - started))))
  await first.close()
  await page.locator('#live', { hasText: 'Reconnecting' }).waitFor()
  const second = await mock(t, { port: Number(port) })
  await deploy(second, 'nginx:second')
  await service(page).getByText('image nginx:second').waitFor({ timeout: 10_000 })
  await page.locator('#live', { hasText: 'Live' }).waitFor()
  t.equal(await page.locator('#entries > li').count(), 1, 'the old emulator\'s requests are gone with it')
  await page.locator('#entries > li summary').click()
  await page.locator('#entries pre.body', { hasText: 'nginx:second' }).waitFor()
  noErrors(t, page)
})

t.test('the rollout status shown is the one GET service answers, step by step on a manual clock', async (t) => {
  const m = await mock(t)
  await m.admin.setClock({ mode: 'manual' })
  await fetch(`${m.url}/_mock/rollout`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pendingMs: 1000, inProgressMs: 1000 }) })
  await deploy(m, 'nginx:rolling')
  const page = await open(t, m)
  const seen: string[] = []
  for (const advance of [0, 1000, 1000]) {
    if (advance > 0) await m.admin.advanceClock(advance)
    // A journaled request: the page refetches the state after it.
    const read = await (await send(m, 'GET', `/v1/projects/${PROJECT}/services/${SERVICE}`)).json() as { data: { status: { deployment: { status: string } } } }
    const status = read.data.status.deployment.status
    await service(page).locator('.badge').getByText(status, { exact: true }).waitFor({ timeout: 5000 })
    seen.push(status)
  }
  t.strictSame(seen, ['PENDING', 'IN_PROGRESS', 'COMPLETED'])
  noErrors(t, page)
})
