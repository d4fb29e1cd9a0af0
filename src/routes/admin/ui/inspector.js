/*
 * The request inspector's script (docs/inspector.md), served inline by GET /_mock/ui (src/routes/admin/ui/index.ts
 * reads this file and pins it in the page's Content-Security-Policy by its hash). Plain browser JavaScript,
 * run in strict mode, with no build step: what is here is what the browser runs.
 * test/routes/admin/ui.browser.test.ts runs it in Chromium and fails on any error it throws; its types are
 * checked (`// @ts-check`, tsconfig.inspector.json) against the schemas of the answers it reads.
 *
 * What it does: reads the journal (GET /_mock/journal), then follows it from GET /_mock/journal/stream with
 * fetch (so the admin token and the namespace's API token go in headers, never in a URL that a log would
 * record), newest first, filtered in the page; reads the state and the controls, refetched shortly after new
 * entries and every few seconds while the page is visible (never while hidden); asks for the admin token when
 * the emulator answers 401.
 */
// @ts-check
'use strict';
/**
 * The answers the script reads, as the admin API's schemas type them (types only: nothing is loaded).
 * @typedef {import('../../../../schemas/admin.js').Health} Health
 * @typedef {import('../../../../schemas/admin.js').JournalEntry} JournalEntry
 * @typedef {import('../../../../schemas/admin.js').JournalView} JournalView
 * @typedef {import('../../../../schemas/admin.js').StateDump} StateDump
 * @typedef {import('../../../../schemas/admin.js').ServiceState} ServiceState
 * @typedef {import('../../../../schemas/admin.js').JobState} JobState
 * @typedef {NonNullable<ServiceState['status']['rollout']>} RolloutState
 * @typedef {import('../../../../schemas/faults.js').ClockState} ClockState
 * @typedef {import('../../../../schemas/faults.js').FaultRule} FaultRule
 * @typedef {import('../../../../schemas/faults.js').Latency} Latency
 * @typedef {import('../../../../schemas/faults.js').RolloutSettingsBody} RolloutSettings
 * @typedef {import('../../../../schemas/faults.js').RateLimitSettings} RateLimitSettings
 *
 * A call that acts on the selected namespace (see scoped()).
 * @typedef {{ path: string, scoped: true }} Scoped
 * A row of the journal list: its entry, its element, and its text for searches once made.
 * @typedef {{ entry: JournalEntry, li: HTMLLIElement, hay: string | undefined }} Row
 * What el() takes as children.
 * @typedef {Node | string | null | undefined | false | Array<Node | string>} Child
 */
(function () {
  const TOKEN_KEY = 'northflank-mock:admin-token'
  const NAMESPACE_KEY = 'northflank-mock:namespace'
  const NAMESPACES_KEY = 'northflank-mock:namespaces'
  /** Rows the page keeps: past it, the oldest go (the journal itself still has them). */
  const MAX_ROWS = 2000
  const POLL_MS = 3000
  const DEBOUNCE_MS = 250
  /** The inspector cannot go on without the admin token: nothing retries after this. */
  const NO_TOKEN = new Error('The inspector needs the admin token. Reload the page to enter it.')

  /**
   * The page's element of this id: page.ts has every id the script asks for.
   * @param {string} id
   * @returns {HTMLElement}
   */
  const $ = function (id) { return /** @type {HTMLElement} */ (document.getElementById(id)) }
  /** The page's <input> of this id. @param {string} id */
  const input$ = function (id) { return /** @type {HTMLInputElement} */ ($(id)) }
  /** The page's <dialog> of this id. @param {string} id */
  const dialog$ = function (id) { return /** @type {HTMLDialogElement} */ ($(id)) }

  /**
   * An element with text or children; attributes set as properties (className, hidden…) or via 'data-*'.
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, unknown> | null} [props]
   * @param {...Child} children
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el (tag, props, ...children) {
    const node = document.createElement(tag)
    if (props) {
      Object.keys(props).forEach(function (key) {
        const value = props[key]
        if (value === undefined || value === null) return
        if (key.indexOf('data-') === 0 || key === 'datetime') node.setAttribute(key, String(value))
        else Reflect.set(node, key, value)
      })
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue
      if (Array.isArray(child)) node.append.apply(node, child)
      else node.append(child)
    }
    return node
  }

  const session = {
    /** @param {string} key */
    get: function (key) { try { return sessionStorage.getItem(key) || '' } catch (e) { return '' } },
    /** @param {string} key @param {string} value */
    set: function (key, value) { try { if (value) sessionStorage.setItem(key, value); else sessionStorage.removeItem(key) } catch (e) {} }
  }

  let namespace = session.get(NAMESPACE_KEY)
  let isolation = false
  /**
   * A call that acts on the selected namespace: it names it in a header, never in the URL (an API token).
   * @param {string} path
   * @returns {Scoped}
   */
  function scoped (path) {
    return { path, scoped: true }
  }

  /** What the banner says, and who said it: a refresh clears its own message once it works again. */
  let bannerFrom = ''
  /** @param {string} text @param {string} [from] */
  function banner (text, from) {
    const node = $('banner')
    node.textContent = text || ''
    node.hidden = !text
    bannerFrom = text ? from || '' : ''
  }

  // ---- The admin token: asked once, on the first 401, and kept for this tab.
  /** @type {Promise<void> | null} */
  let tokenPrompt = null
  /** @param {string} reason */
  function askToken (reason) {
    if (tokenPrompt) return tokenPrompt
    const dialog = dialog$('token-dialog')
    const input = input$('token-input')
    $('token-reason').textContent = reason === 'bad-admin-token'
      ? 'The emulator refused that admin token. Enter the one it was started with (--admin-token).'
      : 'This emulator has an admin token (--admin-token). Enter it to inspect it.'
    input.value = ''
    tokenPrompt = new Promise(/** @param {(value: void) => void} resolve */ function (resolve, reject) {
      dialog.addEventListener('close', function onClose () {
        dialog.removeEventListener('close', onClose)
        tokenPrompt = null
        if (dialog.returnValue === 'ok' && input.value) {
          session.set(TOKEN_KEY, input.value)
          banner('')
          resolve()
        } else {
          banner(NO_TOKEN.message)
          setLive('Not connected', 'off')
          reject(NO_TOKEN)
        }
      })
    })
    dialog.returnValue = ''
    dialog.showModal()
    input.focus()
    return tokenPrompt
  }

  $('token-cancel').addEventListener('click', function () { dialog$('token-dialog').close('cancel') })

  /**
   * A call to the admin API (a path, or what scoped() makes of one), with the admin token when one is kept;
   * a 401 asks for it and tries again.
   * @param {string} method
   * @param {string | Scoped} target
   * @param {AbortSignal} [signal]
   * @returns {Promise<Response>}
   */
  async function call (method, target, signal) {
    const path = typeof target === 'string' ? target : target.path
    for (;;) {
      /** @type {Record<string, string>} */
      const headers = {}
      const token = session.get(TOKEN_KEY)
      if (token) headers['x-mock-admin-token'] = token
      if (typeof target !== 'string' && namespace) headers['x-mock-namespace'] = namespace
      const res = await fetch(path, { method, headers, signal, cache: 'no-store' })
      if (res.status !== 401) return res
      let reason = ''
      try { reason = (await res.json()).error.details.reason } catch (e) {}
      // Another call got a token entered while this one was on its way: try that one.
      if (session.get(TOKEN_KEY) !== token) continue
      if (reason === 'bad-admin-token') session.set(TOKEN_KEY, '')
      await askToken(reason)
    }
  }

  /**
   * The JSON of a GET that answered 2xx; the error's message otherwise.
   * @param {string | Scoped} target
   * @returns {Promise<any>}
   */
  async function getJson (target) {
    const res = await call('GET', target)
    const body = await res.json()
    const path = typeof target === 'string' ? target : target.path
    if (!res.ok) throw new Error('GET ' + path + ': ' + res.status + ' ' + ((body.error && body.error.message) || ''))
    return body
  }

  // ---- The journal, newest first.
  /** @type {Row[]} */
  let rows = []
  let lastSeq = 0
  let trimmed = false
  /**
   * Where the read of the journal stands: LOADING until its first answer (the list is not known to be
   * empty before), LOADED once it answered, or what went wrong.
   */
  const LOADING = 'loading'
  const LOADED = 'loaded'
  let journalRead = LOADING
  /** Counts the reads begun: an answer to one that another replaced is dropped. */
  let reads = 0
  const list = $('entries')
  const filterForm = /** @type {HTMLFormElement} */ ($('filters'))
  let filters = { method: '', status: '', project: '', service: '', job: '', text: '' }

  /** @param {number} status */
  function statusClass (status) { return status === 0 ? 's0' : 's' + String(status).charAt(0) }

  /** @param {string} iso */
  function timeOf (iso) {
    const d = new Date(iso)
    /** @param {number} n @param {number} [w] */
    const pad = function (n, w) { return String(n).padStart(w || 2, '0') }
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3)
  }

  /** @param {unknown} value */
  function pretty (value) {
    return typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  }

  /** Everything a search looks through, in lower case; made when first searched. @param {Row} row */
  function haystack (row) {
    if (row.hay === undefined) {
      const e = row.entry
      row.hay = [e.method, e.path, e.query, String(e.status), JSON.stringify(e.headers),
        e.body === undefined ? '' : pretty(e.body), e.response === undefined ? '' : pretty(e.response)].join('\n').toLowerCase()
    }
    return row.hay
  }

  /** @param {Row} row */
  function passes (row) {
    const e = row.entry
    if (filters.method && e.method !== filters.method) return false
    if (filters.status && statusClass(e.status) !== 's' + filters.status) return false
    if (filters.project && e.params.projectId !== filters.project) return false
    if (filters.service && e.params.serviceId !== filters.service) return false
    if (filters.job && e.params.jobId !== filters.job) return false
    if (filters.text && haystack(row).indexOf(filters.text) < 0) return false
    return true
  }

  /** Rows that pass the filters: kept up to date as rows come and go, recounted when the filters change. */
  let shown = 0
  function showCounts () {
    $('journal-count').textContent = rows.length === 0 ? '' : shown === rows.length ? '(' + rows.length + ')' : '(' + shown + ' of ' + rows.length + ')'
    const empty = $('journal-empty')
    empty.hidden = rows.length !== 0
    empty.textContent = journalRead === LOADING
      ? 'Loading the requests…'
      : journalRead === LOADED ? 'No request to the emulated API yet. They appear here as they arrive.' : journalRead
    empty.className = journalRead === LOADING || journalRead === LOADED ? 'note' : 'note error'
    const note = $('journal-note')
    let text = ''
    if (rows.length !== 0 && shown === 0) text = 'No request matches these filters.'
    if (trimmed) text += (text ? ' ' : '') + 'The page keeps the newest ' + MAX_ROWS + ' requests; GET /_mock/journal has the rest.'
    note.textContent = text
    note.hidden = !text
  }

  function applyFilters () {
    const data = new FormData(filterForm)
    filters = {
      method: String(data.get('method') || ''),
      status: String(data.get('status') || ''),
      project: String(data.get('project') || '').trim(),
      service: String(data.get('service') || '').trim(),
      job: String(data.get('job') || '').trim(),
      text: String(data.get('text') || '').trim().toLowerCase()
    }
    shown = 0
    rows.forEach(function (row) {
      row.li.hidden = !passes(row)
      if (!row.li.hidden) shown++
    })
    showCounts()
  }
  filterForm.addEventListener('input', applyFilters)
  filterForm.addEventListener('submit', function (event) { event.preventDefault() })

  /** @param {JournalEntry['headers']} headers */
  function headerTable (headers) {
    const body = el('tbody')
    Object.keys(headers).sort().forEach(function (name) {
      const value = headers[name]
      body.append(el('tr', null, el('th', { scope: 'row', textContent: name }), el('td', { className: 'mono', textContent: Array.isArray(value) ? value.join(', ') : value })))
    })
    return el('table', { className: 'headers' }, el('caption', { className: 'skip', textContent: 'Request headers' }), body)
  }

  /**
   * For a 400: each validation problem by path (response.error.details.errors).
   * @param {JournalEntry} entry
   */
  function problems (entry) {
    /** @type {any} A response of the emulated API: any JSON, an error envelope for a 400. */
    const response = entry.response
    const details = entry.status === 400 && response && response.error && response.error.details
    /** @type {Array<{ path?: string, message?: string, rule?: string }> | null} */
    const errors = details && Array.isArray(details.errors) ? details.errors : null
    if (!errors || errors.length === 0) return null
    const items = errors.map(function (p) {
      const path = p.path || 'body'
      let text = String(p.message || p.rule || '')
      // The message names the path too: say it once.
      if (text.indexOf(path + ' ') === 0) text = text.slice(path.length + 1)
      return el('li', null, el('code', { textContent: path }), ' ', text)
    })
    if (details.truncated) items.push(el('li', { textContent: '(more problems were left out)' }))
    return el('div', null, el('h4', { textContent: 'Validation problems' }), el('ul', { className: 'problems' }, items))
  }

  /** What went wrong first (a 400's problems), then what was sent, then what came back. @param {JournalEntry} entry */
  function detailOf (entry) {
    const target = entry.path + (entry.query ? '?' + entry.query : '')
    return el('div', { className: 'detail' },
      problems(entry),
      el('h3', { textContent: 'Request' }),
      el('p', { className: 'mono' }, entry.method + ' ' + target),
      el('h4', { textContent: 'Body' }),
      entry.body === undefined ? el('p', { className: 'note', textContent: 'No body was read.' }) : el('pre', { className: 'body', textContent: pretty(entry.body) }),
      el('h4', { textContent: 'Headers' }), headerTable(entry.headers),
      el('h3', { textContent: 'Response' }),
      el('p', null, entry.status === 0 ? 'Connection dropped (an injected fault), ' : 'Status ' + entry.status + ', ', 'after ' + entry.durationMs + ' ms'),
      entry.response === undefined ? null : el('pre', { className: 'response', textContent: pretty(entry.response) })
    )
  }

  /** @param {JournalEntry} entry */
  function rowOf (entry) {
    const details = el('details', null,
      el('summary', null,
        el('span', { className: 'seq', textContent: '#' + entry.seq }),
        el('time', { className: 'time', datetime: entry.time, textContent: timeOf(entry.time) }),
        el('span', { className: 'method', textContent: entry.method }),
        el('span', { className: 'path mono', textContent: entry.path + (entry.query ? '?' + entry.query : '') }),
        el('span', { className: 'status', textContent: entry.status === 0 ? 'drop' : String(entry.status), title: entry.status === 0 ? 'connection dropped' : '' }),
        el('span', { className: 'dur', textContent: entry.durationMs.toFixed(1) + ' ms' })))
    // Built when first opened: most entries are never looked at.
    details.addEventListener('toggle', function () {
      if (details.open && details.childElementCount === 1) details.append(detailOf(entry))
    })
    // Tests and scripts pick a row by what it is, never by its text, which holds a time: #2 00:15:…
    return el('li', { className: statusClass(entry.status), 'data-seq': entry.seq, 'data-status': entry.status }, details)
  }

  /** @param {JournalEntry} entry */
  function addEntry (entry) {
    if (entry.seq <= lastSeq) return
    lastSeq = entry.seq
    const row = { entry, li: rowOf(entry), hay: undefined }
    row.li.hidden = !passes(row)
    if (!row.li.hidden) shown++
    list.prepend(row.li)
    rows.push(row)
    while (rows.length > MAX_ROWS) {
      const oldest = /** @type {Row} */ (rows.shift())
      if (!oldest.li.hidden) shown--
      oldest.li.remove()
      trimmed = true
    }
    showCounts()
    refreshSoon()
  }

  function clearRows () {
    rows.forEach(function (row) { row.li.remove() })
    rows = []
    shown = 0
    trimmed = false
    showCounts()
  }

  // ---- The stream: fetch, read as text, parsed as Server-Sent Events.
  const live = $('live')
  /** @param {string} text @param {string} [state] */
  function setLive (text, state) {
    live.textContent = text
    live.className = state || ''
  }
  /** @type {AbortController | null} */
  let connection = null
  let retryMs = 1000

  /** Set when the server ended the stream because this page fell behind: then reconnect at once. */
  let behind = false
  /** @param {{ type: string, data: string }} event */
  function dispatch (event) {
    if (event.type === 'entry') addEntry(JSON.parse(event.data))
    else if (event.type === 'overflow') behind = true
  }

  async function connect () {
    if (connection) connection.abort()
    const mine = new AbortController()
    connection = mine
    setLive('Connecting…')
    try {
      const res = await call('GET', scoped('journal/stream?since=' + lastSeq), mine.signal)
      if (!res.ok) {
        let message = ''
        try { message = (await res.json()).error.message } catch (e) {}
        banner('The journal stream answered ' + res.status + (message ? ': ' + message : ''))
        setLive('Not connected', 'off')
        return
      }
      setLive('Live', 'on')
      retryMs = 1000
      // The stream sends what the journal holds past lastSeq: it is read, even if the first read failed.
      if (journalRead !== LOADED) {
        journalRead = LOADED
        showCounts()
      }
      const reader = /** @type {NonNullable<Response['body']>} */ (res.body).pipeThrough(new TextDecoderStream()).getReader()
      let buffered = ''
      /** @type {{ type: string, data: string[] }} */
      let event = { type: 'message', data: [] }
      for (;;) {
        const chunk = await reader.read()
        if (chunk.done) break
        buffered += chunk.value
        const lines = buffered.split('\n')
        buffered = /** @type {string} */ (lines.pop())
        for (const raw of lines) {
          const line = raw.replace(/\r$/, '')
          if (line === '') {
            if (event.data.length !== 0) dispatch({ type: event.type, data: event.data.join('\n') })
            event = { type: 'message', data: [] }
            continue
          }
          if (line.charAt(0) === ':') continue
          const colon = line.indexOf(':')
          const field = colon < 0 ? line : line.slice(0, colon)
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'event') event.type = value
          else if (field === 'data') event.data.push(value)
        }
      }
    } catch (err) {
      if (mine.signal.aborted || err === NO_TOKEN) return
    }
    if (connection !== mine) return
    // Ended (the server closed, or this page fell behind): carry on from the last entry seen.
    setLive('Reconnecting…', 'off')
    setTimeout(function () { if (connection === mine) reconnect() }, behind ? 0 : retryMs)
    if (!behind) retryMs = Math.min(retryMs * 2, 10000)
    behind = false
  }

  /**
   * Reads the journal afresh: the newest entries it holds (GET /_mock/journal), then follows it with the
   * stream from the last one read. Until the read answers, the list says it is loading; if it fails, it
   * says why (and the stream, which reads the same journal, still tries).
   */
  async function loadJournal () {
    const mine = ++reads
    if (connection) connection.abort()
    connection = null
    lastSeq = 0
    clearRows()
    journalRead = LOADING
    showCounts()
    try {
      /** @type {JournalView} */
      const journal = await getJson(scoped('journal?limit=' + MAX_ROWS))
      if (mine !== reads) return
      journal.entries.forEach(addEntry)
      if (journal.total > journal.entries.length) trimmed = true
      journalRead = LOADED
    } catch (err) {
      if (mine !== reads) return
      journalRead = 'Could not read the journal: ' + String(/** @type {Error} */ (err).message || err)
      showCounts()
      // Without the admin token nothing can be read: askToken said so.
      if (err === NO_TOKEN) return
    }
    showCounts()
    connect()
  }

  /** When the emulator started (from its uptime): a later start means it restarted, and its seqs began again. */
  let startedAt = 0
  /** @returns {Promise<{ health: Health, at: number }>} */
  async function startOf () {
    /** @type {Health} */
    const health = await getJson('health')
    return { health, at: Date.now() - health.uptime * 1000 }
  }

  async function reconnect () {
    try {
      const now = await startOf()
      if (now.at - startedAt > 1000) {
        startedAt = now.at
        lastState = ''
        refresh()
        loadJournal()
        return
      }
    } catch (err) {
      // Still down: connect fails too, and tries again later.
    }
    connect()
  }

  // ---- The state and the controls: refetched soon after new entries, and every few seconds, while visible.
  /** @type {ReturnType<typeof setTimeout> | null} */
  let refreshTimer = null
  let refreshing = false
  let stale = false
  let lastState = ''

  function refreshSoon () {
    if (refreshTimer === null) refreshTimer = setTimeout(function () { refreshTimer = null; refresh() }, DEBOUNCE_MS)
  }

  async function refresh () {
    if (document.visibilityState === 'hidden') { stale = true; return }
    if (refreshing) { stale = true; return }
    refreshing = true
    stale = false
    try {
      /** @type {[StateDump, ClockState, { rules: FaultRule[] }, Latency, RolloutSettings, RateLimitSettings]} */
      const results = await Promise.all([
        getJson(scoped('state')), getJson('clock'), getJson('faults'), getJson('latency'), getJson('rollout'), getJson('rate-limit')
      ])
      if (bannerFrom === 'refresh') banner('')
      const text = JSON.stringify(results)
      if (text !== lastState) {
        lastState = text
        showState(results[0], results[1])
        showControls(results[1], results[2].rules, results[3], results[4], results[5])
      }
    } catch (err) {
      if (err !== NO_TOKEN) banner('Could not read the state: ' + String(/** @type {Error} */ (err).message || err), 'refresh')
    } finally {
      refreshing = false
      if (stale) refreshSoon()
    }
  }

  /**
   * The rollout's step at the emulator's time, as GET service derives status.deployment (docs/inspector.md).
   * @param {RolloutState} rollout
   * @param {number} now
   */
  function rolloutStep (rollout, now) {
    const started = Date.parse(rollout.startedAt)
    const running = started + rollout.pendingMs
    const done = running + rollout.inProgressMs
    if (rollout.waitingForBuild === true || now < running) return 'PENDING'
    if (now < done) return 'IN_PROGRESS'
    return rollout.outcome
  }

  /** @param {ServiceState | JobState} service */
  function sourceOf (service) {
    const source = service.deployment && service.deployment.source
    if (!source) return service.deployment ? 'none yet' : null
    if (source.kind === 'external') return 'image ' + source.imagePath + (source.credentials ? ' (credentials ' + source.credentials + ')' : '')
    const commit = source.deployedSHA ? source.deployedSHA.slice(0, 12) : source.buildSHA || 'no build yet'
    return 'build of ' + source.buildServiceId + ': ' + source.repository + '@' + source.branch + ', ' + commit + (source.buildId ? ' (build ' + source.buildId + ')' : '')
  }

  /** @param {{ docker: object, buildpack: object }} deployment */
  function configOf (deployment) {
    /** @type {string[]} */
    const parts = [];
    /** @type {Array<[string, Record<string, unknown>]>} */
    ([['docker', deployment.docker], ['buildpack', deployment.buildpack]]).forEach(function (pair) {
      const config = pair[1]
      if (!config) return
      const extra = Object.keys(config).filter(function (k) { return k !== 'configType' }).map(function (k) { return k + ' ' + JSON.stringify(config[k]) })
      parts.push(pair[0] + ': ' + config.configType + (extra.length ? ' (' + extra.join(', ') + ')' : ''))
    })
    return parts.join('; ')
  }

  /** @param {Array<[string, Child]>} pairs */
  function facts (pairs) {
    const dl = el('dl', { className: 'facts' })
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === '') return
      dl.append(el('dt', { textContent: pair[0] }), el('dd', null, pair[1]))
    })
    return dl
  }

  /** @type {Record<string, boolean>} */
  const closedProjects = {}
  /** @param {StateDump} state @param {ClockState} clock */
  function showState (state, clock) {
    const now = Date.parse(clock.now)
    const container = $('projects')
    const projects = Object.values(state.projects)
    const projectIds = $('project-ids')
    const serviceIds = $('service-ids')
    const jobIds = $('job-ids')
    projectIds.replaceChildren()
    serviceIds.replaceChildren()
    jobIds.replaceChildren()
    /** @type {Record<string, boolean>} */
    const seen = {}
    /** @type {Record<string, boolean>} */
    const seenJobs = {}
    const blocks = projects.map(function (project) {
      projectIds.append(el('option', { value: project.id }))
      const services = Object.values(project.services)
      const cards = services.map(function (service) {
        if (!seen[service.id]) { seen[service.id] = true; serviceIds.append(el('option', { value: service.id })) }
        const d = service.deployment
        const rollout = service.status && service.status.rollout
        const step = rollout ? rolloutStep(rollout, now) : null
        return el('article', { className: 'service', 'data-service': service.id },
          el('h3', null, el('span', { className: 'mono', textContent: service.id }), el('small', { textContent: service.serviceType + (service.name && service.name !== service.id ? ' · ' + service.name : '') })),
          facts([
            ['Source', sourceOf(service)],
            ['Runtime', d ? configOf(d) : null],
            ['Instances', d ? String(d.instances) : null],
            ['Builds', service.builder ? service.builder.repository + '@' + service.builder.branch + (service.builder.builds ? ', ' + service.builder.builds.length + ' known' : '') : null],
            ['Rollout', rollout && step ? el('span', null, el('span', { className: 'badge ' + step, textContent: step }), ' since ' + new Date(rollout.startedAt).toLocaleString()) : (d ? 'none yet' : null)]
          ]))
      })
      // A job: what its next run uses. It has no instances or rollout (docs/inspector.md).
      const jobs = Object.values(project.jobs || {})
      const jobCards = jobs.map(function (job) {
        if (!seenJobs[job.id]) { seenJobs[job.id] = true; jobIds.append(el('option', { value: job.id })) }
        return el('article', { className: 'service job', 'data-job': job.id },
          el('h3', null, el('span', { className: 'mono', textContent: job.id }), el('small', { textContent: job.jobType + ' job' + (job.name && job.name !== job.id ? ' · ' + job.name : '') })),
          facts([
            ['Source', sourceOf(job)],
            ['Runtime', configOf(job.deployment)],
            ['Schedule', job.schedule || null]
          ]))
      })
      const block = el('details', { className: 'project', open: !closedProjects[project.id], 'data-project': project.id },
        el('summary', null, project.id + ' ', el('small', { textContent: [project.name !== project.id ? project.name : '', project.region].filter(Boolean).join(' · ') })),
        cards.length || jobCards.length ? el('div', { className: 'services' }, cards, jobCards) : el('p', { className: 'note', textContent: 'No services or jobs.' }))
      block.addEventListener('toggle', function () { closedProjects[project.id] = !block.open })
      return block
    })
    container.replaceChildren.apply(container, blocks.length ? blocks : [el('p', { className: 'note', textContent: 'No projects.' })])
    $('state-scope').textContent = isolation ? (namespace ? '(namespace of the token ' + namespace.slice(0, 4) + '…)' : '(default namespace)') : ''
    if (state.tokens) state.tokens.forEach(function (t) { rememberNamespace(t.token, false) })
  }

  /** @param {FaultRule} rule */
  function describeRule (rule) {
    const m = rule.match || {}
    const a = rule.action || {}
    const match = [m.method, m.path, m.project && 'project ' + m.project, m.service && 'service ' + m.service, m.job && 'job ' + m.job].filter(Boolean).join(' ') || 'every request'
    const act = [a.status && 'answer ' + a.status, a.delayMs && 'wait ' + a.delayMs + ' ms', a.drop && 'drop the connection', a.rollout && 'rollout ' + a.rollout].filter(Boolean).join(', ')
    const limits = [rule.remaining !== null ? rule.remaining + ' left' : '', rule.fraction ? 'fraction ' + rule.fraction : ''].filter(Boolean).join(', ')
    return rule.id + ': ' + match + ' → ' + act + (limits ? ' (' + limits + ')' : '') + '; matched ' + rule.matched + ', applied ' + rule.applied
  }

  /**
   * @param {ClockState} clock
   * @param {FaultRule[]} rules
   * @param {Latency} latency
   * @param {RolloutSettings} rollout
   * @param {RateLimitSettings} rate
   */
  function showControls (clock, rules, latency, rollout, rate) {
    const settings = $('settings')
    settings.replaceChildren();
    /** @type {Array<[string, string]>} */
    ([
      ['Clock', clock.mode + (clock.mode === 'manual' ? ', stopped at ' : ', ') + clock.now],
      ['Latency', latency.ms + ' ms'],
      ['Rollout', 'PENDING ' + rollout.pendingMs + ' ms, then IN_PROGRESS ' + rollout.inProgressMs + ' ms'],
      ['Rate limit', rate.max + ' per ' + rate.windowSeconds + ' s per token, ' + (rate.enforce ? 'enforced (429)' : 'counted only')]
    ]).forEach(function (pair) { settings.append(el('dt', { textContent: pair[0] }), el('dd', { textContent: pair[1] })) })
    const faults = $('faults')
    faults.replaceChildren(rules.length === 0
      ? el('p', { className: 'note', textContent: 'None.' })
      : el('ol', { className: 'rules' }, rules.map(function (rule) { return el('li', { className: 'mono', textContent: describeRule(rule) }) })))
  }

  // ---- Reset and clear, each confirmed first.
  function scopeWords () { return namespace ? 'the namespace of the selected token' : 'every namespace' }
  $('clear-journal').addEventListener('click', async function () {
    if (!confirm('Clear the journal of ' + scopeWords() + '? The requests it holds are lost.')) return
    const res = await call('DELETE', scoped('journal'))
    if (res.ok) clearRows(); else banner('Clearing the journal answered ' + res.status)
  })
  $('reset').addEventListener('click', async function () {
    const what = namespace ? 'the state and journal of the selected namespace' : 'state, journal, fault rules, latency, clock and rate limits'
    if (!confirm('Reset ' + what + ' to the fixtures?')) return
    const res = await call('POST', scoped('reset'))
    if (res.ok) { clearRows(); refresh() } else banner('The reset answered ' + res.status)
  })

  // ---- Namespaces (isolation): typed as the API token, suggested from this tab's earlier ones and the fixtures' tokens.
  /** @param {string} token @param {boolean} save */
  function rememberNamespace (token, save) {
    if (!token) return
    const known = session.get(NAMESPACES_KEY).split('\n').filter(Boolean)
    const options = /** @type {HTMLDataListElement} */ ($('namespace-tokens'))
    if (!Array.prototype.some.call(options.options, function (o) { return o.value === token })) options.append(el('option', { value: token }))
    if (save && known.indexOf(token) < 0) session.set(NAMESPACES_KEY, known.concat(token).slice(-50).join('\n'))
  }
  $('namespace-form').addEventListener('submit', function (event) {
    event.preventDefault()
    const next = input$('namespace').value.trim()
    if (next === namespace) return
    namespace = next
    session.set(NAMESPACE_KEY, namespace)
    rememberNamespace(namespace, true)
    lastState = ''
    loadJournal()
    refresh()
  })

  // ---- Keyboard: / focuses the search, Escape leaves it.
  const search = /** @type {HTMLInputElement} */ (filterForm.elements.namedItem('text'))
  document.addEventListener('keydown', function (event) {
    const target = event.target
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault()
      search.focus()
    } else if (event.key === 'Escape' && target === search) {
      search.blur()
    }
  })

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && stale) refresh()
  })
  setInterval(function () { if (document.visibilityState === 'visible') refresh(); else stale = true }, POLL_MS)

  async function start () {
    try {
      const first = await startOf()
      const health = first.health
      startedAt = first.at
      isolation = health.isolation
      $('version').textContent = 'v' + health.version + (health.journalCapacity === 0 ? ' · journal off (--journal-size 0)' : '')
      if (isolation) {
        $('namespace-form').hidden = false
        input$('namespace').value = namespace
        session.get(NAMESPACES_KEY).split('\n').forEach(function (t) { rememberNamespace(t, false) })
      } else {
        namespace = ''
      }
    } catch (err) {
      banner('The emulator did not answer: ' + String(/** @type {Error} */ (err).message || err))
    }
    loadJournal()
    refresh()
  }
  start()
})()
