// Every command and code example in README.md and docs/*.md works as written.
//
// The convention, for whoever writes docs: a fenced block tagged sh, bash, ts or js is an example and is
// run here, unless the line before it (blank lines aside) is `<!-- not run: reason -->`. A block with
// neither fails this test. Blocks without a tag are output listings; json and yaml blocks are documents.
//
// - Shell blocks hold curl commands only (anything else must be marked not run). Each runs with bash
//   against one emulator started here, `localhost:8080` and `127.0.0.1:8080` rewritten to its port, the
//   state reset before each block. A comment that follows a command, or ends its line, and starts with a
//   status or a JSON value (`# 201 {"id":"fault-1",…}`) is its expected answer; `…` stands for anything.
// - ts/js blocks are written to a project of their own, where 'northflank-mock' resolves to this package
//   (its exports → dist/, built here when stale), and run by the runner they import, as its docs say to
//   run it: 'tap' under this repository's tap, 'vitest' under vitest, 'node:test' with `node --import tsx
//   --test`, '@jest/globals' under jest (with the ESM flag its docs give); any other block with node and
//   tsx, given NORTHFLANK_MOCK_URL of an emulator with isolation.
// - A block preceded by `<!-- file: NAME -->` (a runner's configuration) is not run: it is written to
//   that project as NAME, before the examples run there.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ConfigSchema } from '../../schemas/config.js'
import { SETTINGS } from '../../src/config.js'
import { startMock } from '../../src/index.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]

const SHELL = new Set(['sh', 'bash'])
const CODE = new Set(['ts', 'js'])
const NOT_EXAMPLES = new Set(['', 'json', 'yaml'])

interface Block { where: string, lang: string, code: string, skip: string | undefined, file: string | undefined }

/** The fenced blocks of a Markdown file, dedented, each with the reason it is not run, if it says one. */
function blocks (file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
  const found: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i] as string)
    if (open === null) continue
    const indent = (open[1] as string).length
    const start = i
    const body: string[] = []
    while (++i < lines.length && !/^\s*```\s*$/.test(lines[i] as string)) body.push((lines[i] as string).slice(indent))
    let before = start - 1
    while (before >= 0 && (lines[before] as string).trim() === '') before--
    const skip = /^<!-- not run: (.+?) -->$/.exec((lines[before] ?? '').trim())?.[1]
    const named = /^<!-- file: ([\w.-]+) -->$/.exec((lines[before] ?? '').trim())?.[1]
    found.push({ where: `${file}:${start + 1}`, lang: open[2] as string, code: body.join('\n'), skip, file: named })
  }
  return found
}

interface Command { text: string, status?: number, body?: RegExp }

/** What a comment says a command answers: a status, a JSON value (… for anything), or nothing (prose). */
function expectation (comment: string): Pick<Command, 'status' | 'body'> {
  const [, status, json] = /^(?:(\d{3})\b:?\s*)?([[{].*)?/.exec(comment.trim()) as string[]
  const body = json === undefined
    ? undefined
    : new RegExp(`^${json.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
  return { ...(status === undefined ? {} : { status: Number(status) }), ...(body === undefined ? {} : { body }) }
}

/** A shell block's commands: lines joined across `\` and open quotes, comments split off. */
function commands (code: string): Command[] {
  const found: Command[] = []
  let text = ''
  let quote = ''
  for (const line of code.split('\n')) {
    if (text === '' && /^\s*(#|$)/.test(line)) {
      const last = found.at(-1)
      const { status, body } = expectation(line.trim().slice(1))
      if (last !== undefined && last.status === undefined && status !== undefined) last.status = status
      if (last !== undefined && last.body === undefined && body !== undefined) last.body = body
      continue
    }
    let comment: string | undefined
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string
      if (quote !== '') { if (c === quote) quote = ''; continue }
      if (c === "'" || c === '"') quote = c
      else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) { comment = line.slice(i + 1); text += line.slice(0, i); break }
    }
    if (comment === undefined) text += line
    if (quote === '' && !text.endsWith('\\')) {
      found.push({ text: text.trim(), ...(comment === undefined ? {} : expectation(comment)) })
      text = ''
    } else {
      text += '\n'
    }
  }
  if (text.trim() !== '') found.push({ text: text.trim() })
  return found
}

/** The environment without what the enclosing tap run adds (its loaders, coverage and reporting). */
function cleanEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
    !/^(TAP|_TAPJS|NODE_V8_COVERAGE$|NODE_OPTIONS$)/.test(key)))
  return { ...env, ...extra }
}

/**
 * Runs a command as a user would. Through env(1): tap's process tracking puts its loader back into
 * NODE_OPTIONS of every child, and the examples (and the build) are not what this suite's coverage measures.
 */
function run (command: string, args: string[], options: { cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number }) {
  return new Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, output: string }>((resolve) => {
    const child = spawn('env', ['-u', 'NODE_OPTIONS', command, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let output = ''
    child.stdout.on('data', (d) => { stdout += String(d); output += String(d) })
    child.stderr.on('data', (d) => { output += String(d) })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, output }) })
  })
}

mkdirSync(join(ROOT, '.tmp'), { recursive: true })
const all = DOCS.flatMap(blocks)
const examples = all.filter((b) => SHELL.has(b.lang) || CODE.has(b.lang))
// The code examples take longest: they start now, and run while the shell examples do.
const codeExamples = runCodeExamples()

t.test('every fenced block is an example, an output listing or a document, and every skip says why', async (t) => {
  for (const block of all) {
    t.ok(SHELL.has(block.lang) || CODE.has(block.lang) || NOT_EXAMPLES.has(block.lang),
      `${block.where}: \`\`\`${block.lang} is a known kind (${[...SHELL, ...CODE].join(', ')} are run; ${[...NOT_EXAMPLES].map((l) => l === '' ? 'no tag' : l).join(', ')} are not)`)
    if (block.skip !== undefined) t.ok(SHELL.has(block.lang) || CODE.has(block.lang), `${block.where}: only an example is marked not run`)
    if (block.file !== undefined) t.ok(CODE.has(block.lang), `${block.where}: a file for the examples' project is code`)
  }
  t.ok(examples.some((b) => b.skip === undefined && SHELL.has(b.lang)), 'some shell examples run')
  t.ok(examples.some((b) => b.skip === undefined && CODE.has(b.lang)), 'some code examples run')
})

t.test('shell examples: each curl answers as the doc says, never a 5xx, with JSON', async (t) => {
  const mock = await startMock({ logger: false })
  t.teardown(() => mock.close())
  const port = new URL(mock.url).port
  const dir = mkdtempSync(join(ROOT, '.tmp', 'examples-curl-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))

  for (const block of examples.filter((b) => SHELL.has(b.lang) && b.skip === undefined)) {
    await mock.admin.reset()
    const cmds = commands(block.code)
    t.ok(cmds.length > 0, `${block.where}: has commands`)
    for (const [n, cmd] of cmds.entries()) {
      const name = `${block.where} command ${n + 1}`
      if (!t.ok(/^curl\s/.test(cmd.text), `${name}: a shell example runs curl only (mark anything else <!-- not run: reason -->)`)) continue
      // A stream (-N) answers until the client hangs up: curl stops it after a second, exit status 28.
      const stream = /\s-N\b/.test(cmd.text)
      const script = [
        `curl () { command curl --show-error --max-time ${stream ? 1 : 15} --output "${dir}/body" --dump-header "${dir}/head" --write-out '%{http_code}' "$@"; }`,
        cmd.text.replace(/\b(?:localhost|127\.0\.0\.1):8080\b/g, `127.0.0.1:${port}`)
      ].join('\n')
      // Asynchronously: the emulator answers from this process.
      const result = await run('bash', ['-c', script], { cwd: dir, env: cleanEnv(), timeoutMs: 20_000 })
      const expected = stream ? 28 : 0
      if (!t.equal(result.code, expected, `${name}: exit status ${expected}`, { signal: result.signal, output: result.output })) continue
      const status = Number(result.stdout)
      const body = readFileSync(join(dir, 'body'), 'utf8')
      const type = /^content-type:\s*(\S+)/im.exec(readFileSync(join(dir, 'head'), 'utf8'))?.[1] ?? ''
      t.ok(status >= 200 && status < 500, `${name}: answered ${status}, not a 5xx`)
      if (cmd.status !== undefined) t.equal(status, cmd.status, `${name}: the status the doc shows`)
      if (stream) {
        t.matchStrict(type, /^text\/event-stream/, `${name}: a stream of events`)
        t.matchStrict(body, /^: northflank-mock journal stream\n/, `${name}: the stream opened`)
        continue
      }
      if (body !== '') {
        t.matchStrict(type, /^application\/json/, `${name}: JSON`)
        let parsed: unknown
        t.doesNotThrow(() => { parsed = JSON.parse(body) }, `${name}: parseable JSON`)
        if (status >= 400) t.matchStrict(parsed, { error: { status, message: String, id: String } }, `${name}: the error envelope`)
      }
      if (cmd.body !== undefined) t.matchStrict(body.trim(), cmd.body, `${name}: the answer the doc shows`)
    }
  }
})

interface Outcome { what: string, code: number | null, signal: NodeJS.Signals | null, output: string }

/**
 * The test runners, each recognised by what its examples import, and the command that runs their files
 * in the examples' project, as the runner's own docs say to run it (and as docs/testing.md shows).
 */
const RUNNERS: Record<string, { imports: RegExp, command: (bin: (name: string) => string, dir: string, files: string[]) => [string, string[]] }> = {
  tap: { imports: /from 'tap'/, command: (bin, _dir, files) => [bin('tap'), ['--disable-coverage', '--reporter=tap', ...files]] },
  vitest: { imports: /from 'vitest'/, command: (bin, dir, files) => [bin('vitest'), ['run', '--root', dir, ...files]] },
  'node:test': { imports: /from 'node:test'/, command: (_bin, _dir, files) => [process.execPath, ['--import', 'tsx', '--test', ...files]] },
  // Jest runs ES modules with Node's VM modules flag (https://jestjs.io/docs/ecmascript-modules).
  jest: {
    imports: /from '@jest\/globals'/,
    command: (_bin, _dir, files) => [process.execPath, ['--experimental-vm-modules', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--runTestsByPath', ...files]]
  }
}

/**
 * Builds dist/ when stale, writes the code examples inside the repository (where 'northflank-mock' is this
 * package) and runs them: the examples of each test runner in one run of it, each script with node and
 * tsx. They take longest, so they start before the shell examples.
 */
async function runCodeExamples (): Promise<{ build: Outcome, counts: Record<string, number>, outcomes: Outcome[] }> {
  const build = { what: 'dist/ is built', ...await run(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: ROOT, env: cleanEnv(), timeoutMs: 120_000 }) }
  if (build.code !== 0) return { build, counts: {}, outcomes: [] }

  // A project of its own, so that its tap run keeps its .tap/ there: a tap run clears the coverage data
  // of its project, which here would be this run's. Its tap has this repository's plugins, so that the
  // run does not rebuild the tap this run uses; everything else resolves from the repository's
  // node_modules, and 'northflank-mock' is this package, as once installed.
  const dir = mkdtempSync(join(ROOT, '.tmp', 'examples-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const plugin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { tap?: { plugin?: string[] } }).tap?.plugin
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'examples', private: true, type: 'module', tap: plugin === undefined ? {} : { plugin } }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'northflank-mock'))
  const shared = await startMock({ isolation: true, logger: false })
  t.teardown(() => shared.close())

  const code = examples.filter((b) => CODE.has(b.lang) && b.skip === undefined)
  for (const block of code) if (block.file !== undefined) writeFileSync(join(dir, block.file), block.code)
  const files = code.filter((b) => b.file === undefined).map((block) => {
    const kind = Object.entries(RUNNERS).find(([, runner]) => runner.imports.test(block.code))?.[0] ?? 'script'
    const file = join(dir, `${block.where.replace(/\W+/g, '-')}${kind === 'script' ? '' : '.test'}.${block.lang}`)
    writeFileSync(file, block.code)
    return { block, kind, file }
  })
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name)
  const opts = { cwd: dir, env: cleanEnv(), timeoutMs: 100_000 }
  const where = (kind: string) => files.filter((f) => f.kind === kind)
  const runs: Array<Promise<Outcome>> = where('script').map(async ({ block, file }) => ({
    what: `${block.where} (node --import tsx)`,
    ...await run(process.execPath, ['--import', 'tsx', file], { ...opts, env: cleanEnv({ NORTHFLANK_MOCK_URL: shared.url }) })
  }))
  const counts: Record<string, number> = {}
  for (const [name, runner] of Object.entries(RUNNERS)) {
    const mine = where(name)
    counts[name] = mine.length
    if (mine.length === 0) continue
    const [command, args] = runner.command(bin, dir, mine.map((f) => f.file))
    runs.push(run(command, args, opts).then((r) => ({ what: `${mine.map((f) => f.block.where).join(', ')} (${name})`, ...r })))
  }
  return { build, counts, outcomes: await Promise.all(runs) }
}

t.test('code examples: the suites of each test runner and the scripts run as written, importing northflank-mock', async (t) => {
  const { build, counts, outcomes } = await codeExamples
  if (!t.equal(build.code, 0, build.what, { output: build.output })) return
  for (const name of Object.keys(RUNNERS)) t.ok((counts[name] ?? 0) > 0, `the docs have ${name} examples`)
  for (const { what, code, signal, output } of outcomes) {
    t.equal(code, 0, `${what} passes`, { signal, output })
  }
})

t.test("the README's configuration table is --help's: every flag, variable and default", async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const rows = [...readme.matchAll(/^\| `--([\w-]+)(?: ([A-Z]+))?` \| `(\w+)` \| (`[^`]*`|[^|]+?) \|/gm)]
    .map(([, flag, arg, env, fallback]) => ({ flag, arg: arg ?? '', env, fallback: (fallback as string).replace(/`/g, '') }))
  const settings = Object.entries(SETTINGS).map(([key, { flag, arg, env }]) => {
    const fallback = (ConfigSchema.properties[key as keyof typeof SETTINGS] as { default?: unknown }).default
    return { flag, arg, env, fallback }
  })
  t.strictSame(rows.map(({ flag, arg, env }) => ({ flag, arg, env })), settings.map(({ flag, arg, env }) => ({ flag, arg, env })),
    'the same settings, in the same order')
  for (const { flag, fallback } of settings) {
    const row = rows.find((r) => r.flag === flag)
    if (fallback !== undefined) t.equal(row?.fallback, String(fallback), `--${flag}'s default`)
  }
})
