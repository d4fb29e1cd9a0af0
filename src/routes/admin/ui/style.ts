/**
 * The inspector's stylesheet: system fonts, light and dark themes from prefers-color-scheme, two columns
 * from 1000 px and one below. Kept in a TS module (not a file next to the compiled JS) so that it ships
 * with any build of the package: tsc's dist/, a bundle, or the sources run through a loader.
 */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #fff; --text: #1b1f24; --muted: #57606a; --border: #d0d7de; --accent: #0550ae;
  --ok: #116329; --ok-bg: #dafbe1; --warn: #7d4e00; --warn-bg: #fff8c5; --bad: #a40e26; --bad-bg: #ffebe9;
  --info-bg: #ddf4ff; --code-bg: #eff1f3; --focus: #0969da;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #9198a1; --border: #30363d; --accent: #4493f8;
    --ok: #3fb950; --ok-bg: #12261e; --warn: #d29922; --warn-bg: #272115; --bad: #ff7b72; --bad-bg: #2d1517;
    --info-bg: #121d2f; --code-bg: #1f242c; --focus: #4493f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
[hidden] { display: none !important; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; z-index: 10; background: var(--panel); padding: 6px 10px; }

header.top {
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px;
  padding: 10px 16px; background: var(--panel); border-bottom: 1px solid var(--border);
}
header.top h1 { font-size: 17px; margin: 0; }
header.top h1 span { color: var(--muted); font-weight: normal; }
#version { margin: 0; color: var(--muted); }
#namespace-form { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
#live { margin: 0 0 0 auto; padding: 2px 10px; border-radius: 999px; background: var(--code-bg); color: var(--muted); }
#live.on { background: var(--ok-bg); color: var(--ok); }
#live.off { background: var(--bad-bg); color: var(--bad); }

main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px; align-items: start; }
@media (max-width: 1000px) { main { grid-template-columns: minmax(0, 1fr); padding: 8px; } }
section.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: 12px 14px; margin-bottom: 16px; min-width: 0; }
h2 { font-size: 15px; margin: 0 0 10px; }
h2 .count { color: var(--muted); font-weight: normal; }
h3 { font-size: 13px; margin: 12px 0 4px; }
h4 { font-size: 12px; margin: 8px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }

input, select, button { font: inherit; color: inherit; }
input, select { background: var(--bg); border: 1px solid var(--border); border-radius: 6px; padding: 4px 8px; min-width: 0; }
button { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 4px 12px; cursor: pointer; }
button:hover { border-color: var(--muted); }
button.danger { color: var(--bad); }

#filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; margin-bottom: 10px; }
#filters label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
#filters label.search { grid-column: span 2; }
.note { color: var(--muted); margin: 6px 0; }
.error { color: var(--bad); }

#entries { list-style: none; margin: 0; padding: 0; }
#entries > li { border-top: 1px solid var(--border); }
#entries > li:first-child { border-top: 0; }
#entries summary {
  display: grid; grid-template-columns: 1em 3.2em 6.8em 4em minmax(0, 1fr) 3.4em 5em; gap: 8px; align-items: baseline;
  padding: 6px 4px; cursor: pointer; list-style: none;
}
#entries summary::-webkit-details-marker { display: none; }
#entries summary::before { content: "▸"; color: var(--muted); }
#entries details[open] > summary::before { content: "▾"; }
#entries summary:hover { background: var(--code-bg); }
.seq, .time, .dur { color: var(--muted); font-variant-numeric: tabular-nums; }
.dur { text-align: right; }
.method { font-weight: 600; }
.path { overflow-wrap: anywhere; }
.status { font-weight: 600; text-align: center; border-radius: 4px; padding: 0 4px; background: var(--ok-bg); color: var(--ok); }
.s4 .status { background: var(--warn-bg); color: var(--warn); }
.s5 .status, .s0 .status { background: var(--bad-bg); color: var(--bad); }
#entries > li.s4 { box-shadow: inset 3px 0 var(--warn); }
#entries > li.s5, #entries > li.s0 { box-shadow: inset 3px 0 var(--bad); }
@media (max-width: 640px) {
  #entries summary { grid-template-columns: 1em auto auto auto minmax(0, 1fr); }
  #entries summary .seq { display: none; }
  #entries summary .path { grid-column: 2 / -1; grid-row: 2; }
  #filters label.search { grid-column: 1 / -1; }
}
.detail { padding: 4px 8px 12px 16px; }
.detail pre { background: var(--code-bg); padding: 8px; border-radius: 6px; overflow: auto; max-height: 28em; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
table.headers { border-collapse: collapse; width: 100%; }
table.headers th, table.headers td { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
table.headers th { font-weight: 500; color: var(--muted); width: 30%; }
ul.problems { margin: 4px 0; padding-left: 18px; }
ul.problems li { color: var(--bad); }
ul.problems code { color: var(--text); }

.project > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
.project > summary small { color: var(--muted); font-weight: normal; }
.services { display: grid; gap: 8px; margin: 6px 0 12px; }
.service { border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; }
.service h3 { margin: 0 0 4px; display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.service h3 small { color: var(--muted); font-weight: normal; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; background: var(--code-bg); }
.badge.COMPLETED { background: var(--ok-bg); color: var(--ok); }
.badge.PENDING, .badge.IN_PROGRESS { background: var(--info-bg); color: var(--accent); }
.badge.FAILED { background: var(--bad-bg); color: var(--bad); }
ol.rules { margin: 0; padding-left: 18px; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 12px; }

dialog { border: 1px solid var(--border); border-radius: 8px; background: var(--panel); color: var(--text); max-width: min(28em, 92vw); }
dialog::backdrop { background: rgb(0 0 0 / .45); }
dialog form { display: flex; flex-direction: column; gap: 10px; }
dialog .buttons { display: flex; gap: 8px; justify-content: flex-end; }
`
