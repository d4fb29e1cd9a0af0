/**
 * The inspector's markup: static and empty of data (the script fills it from the admin API), so it can be
 * served without the admin token. Landmarks, headings, labelled controls and native <details> and
 * <dialog> elements give keyboard and screen-reader use without extra code.
 */
export function pageHtml (style: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>northflank-mock inspector</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<a class="skip" href="#journal">Skip to requests</a>
<header class="top">
  <h1>northflank-mock <span>inspector</span></h1>
  <p id="version"></p>
  <form id="namespace-form" hidden>
    <label for="namespace">Namespace</label>
    <input id="namespace" name="namespace" list="namespace-tokens" autocomplete="off" spellcheck="false"
      placeholder="API token; empty: every namespace" aria-describedby="namespace-help">
    <datalist id="namespace-tokens"></datalist>
    <button type="submit">Show</button>
    <span id="namespace-help" class="note">Isolation is on: each API token has its own state and journal.</span>
  </form>
  <p id="live" role="status" aria-live="polite">Connecting…</p>
</header>
<p id="banner" class="error" role="alert" hidden></p>
<main>
  <section id="journal" class="panel" aria-labelledby="journal-title" tabindex="-1">
    <h2 id="journal-title">Requests <span class="count" id="journal-count"></span></h2>
    <form id="filters" role="search" aria-label="Filter requests">
      <label>Method
        <select name="method">
          <option value="">any</option>
          <option>GET</option><option>POST</option><option>PUT</option><option>PATCH</option>
          <option>DELETE</option><option>HEAD</option><option>OPTIONS</option>
        </select>
      </label>
      <label>Status
        <select name="status">
          <option value="">any</option>
          <option value="2">2xx success</option>
          <option value="3">3xx</option>
          <option value="4">4xx client error</option>
          <option value="5">5xx server error</option>
          <option value="0">dropped connection</option>
        </select>
      </label>
      <label>Project <input name="project" list="project-ids" autocomplete="off" spellcheck="false"></label>
      <label>Service <input name="service" list="service-ids" autocomplete="off" spellcheck="false"></label>
      <label>Job <input name="job" list="job-ids" autocomplete="off" spellcheck="false"></label>
      <label class="search">Search <input type="search" name="text" placeholder="path, headers, bodies… (press /)" spellcheck="false"></label>
      <datalist id="project-ids"></datalist>
      <datalist id="service-ids"></datalist>
      <datalist id="job-ids"></datalist>
    </form>
    <p id="journal-note" class="note" hidden></p>
    <ol id="entries" aria-label="Requests, newest first"></ol>
    <p id="journal-empty" class="note">Loading the requests…</p>
  </section>
  <div>
    <section id="state" class="panel" aria-labelledby="state-title">
      <h2 id="state-title">State <span class="count" id="state-scope"></span></h2>
      <div id="projects"><p class="note">Loading…</p></div>
    </section>
    <section id="controls" class="panel" aria-labelledby="controls-title">
      <h2 id="controls-title">Controls <span class="count">(read-only)</span></h2>
      <dl class="facts" id="settings"></dl>
      <h3>Fault rules</h3>
      <div id="faults"></div>
      <div class="actions">
        <button type="button" id="clear-journal" class="danger">Clear the journal…</button>
        <button type="button" id="reset" class="danger">Reset the emulator…</button>
      </div>
    </section>
  </div>
</main>
<dialog id="token-dialog" aria-labelledby="token-title">
  <form method="dialog">
    <h2 id="token-title">Admin token</h2>
    <p id="token-reason">This emulator has an admin token (--admin-token). Enter it to inspect it.</p>
    <label for="token-input">Token</label>
    <input id="token-input" name="token" type="password" autocomplete="off" required>
    <p class="note">Kept in this tab only (sessionStorage) and sent as the x-mock-admin-token header.</p>
    <div class="buttons">
      <button type="button" id="token-cancel">Cancel</button>
      <button type="submit" value="ok">Use this token</button>
    </div>
  </form>
</dialog>
<script>${script}</script>
</body>
</html>
`
}
