/**
 * The Node versions the README gives are the truth of a fresh install, read from package-lock.json (what
 * `npm ci` installs, each package with the engines it declares, as npm checks them): every package a
 * checkout installs accepts the README's versions, and every package of the runtime install accepts the
 * package's engines, but the ones whose warning the README names and explains. Its explanation holds too.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// npm's own range logic (a dependency of Fastify's), as npm checks engines with it.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies: (version: string, range: string) => boolean
  minVersion: (range: string) => { version: string } | null
}

interface Locked { version?: string, dev?: boolean, engines?: { node?: string }, dependencies?: Record<string, string> }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Locked> }
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The lowest version of each line a range allows: `^20.19.0 || >=22.12.0` → 20.19.0, 22.12.0. */
const lowest = (range: string): string[] => range.split('||').map((r) => semver.minVersion(r)?.version as string)
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)

/** `name@version (needs range)` of each locked package (runtime only: without dev) refusing one of `versions`. */
function refusing (versions: string[], runtimeOnly: boolean): string[] {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !(runtimeOnly && p.dev === true) && p.engines?.node !== undefined)
    .filter(([, p]) => versions.some((v) => !semver.satisfies(v, p.engines?.node as string)))
    .map(([path, p]) => `${nameOf(path)}@${p.version ?? ''} (needs ${p.engines?.node ?? ''})`)
}

t.test('the runtime install warns only of the engines the README names, on the lines the package supports', async (t) => {
  const supported = lowest(pkg.engines.node)
  t.strictSame(supported, ['20.19.0', '22.12.0'], 'package.json: Node 20.19+ and 22.12+')
  const warned = refusing(supported, true)
  t.strictSame(warned, ['cookie@2.0.2 (needs >=22)'], 'one package refuses Node 20')
  t.ok(readme.includes("`package: 'cookie@2.0.2'`, `required: { node: '>=22' }`"), 'the README names it, as npm does')
})

t.test('a checkout installs with no engine warning on the README\'s versions, but the one it names', async (t) => {
  const given = /^From a checkout \(Node (\d+\.\d+)\+ or (\d+\.\d+)\+\):$/m.exec(readme)
  if (!t.ok(given, 'the README says which Node a checkout needs')) return
  const versions = [`${given?.[1] ?? ''}.0`, `${given?.[2] ?? ''}.0`]
  for (const v of versions) t.ok(semver.satisfies(v, pkg.engines.node), `${v}: the package's engines allow it`)
  t.strictSame(refusing(versions, false), ['cookie@2.0.2 (needs >=22)'], 'dev tools included')
})

t.test('the README\'s reason holds: cookie is loaded only by Fastify\'s inject, which loads it on this Node without a word', async (t) => {
  // What an install of the package brings: the lock's packages not marked dev (msw, a dev tool, wants cookie 1).
  const dependents = (name: string) => Object.entries(lock.packages)
    .filter(([, p]) => p.dev !== true && p.dependencies?.[name] !== undefined).map(([path]) => nameOf(path))
  t.strictSame(dependents('cookie'), ['light-my-request'], 'only light-my-request depends on cookie, of what an install brings')
  t.strictSame(dependents('light-my-request'), ['fastify'], 'and only Fastify on light-my-request')
  const fastify = readFileSync(join(ROOT, 'node_modules', 'fastify', 'fastify.js'), 'utf8')
  t.strictSame(fastify.match(/require\('light-my-request'\)/g), ["require('light-my-request')"], 'Fastify requires it in one place')
  t.matchStrict(fastify, /function inject \(opts, cb\) \{[^}]*lightMyRequest = require\('light-my-request'\)/, 'the one in inject')
  t.ok(semver.satisfies(process.versions.node, pkg.engines.node), `this Node, ${process.versions.node}, is a supported one`)
  // A cookie set by a handler, read back by inject: cookie parses it.
  const script = "require('light-my-request')((req, res) => { res.setHeader('set-cookie', 'a=b'); res.end() }, { url: '/' })" +
    '.then((r) => console.log(JSON.stringify(r.cookies)))'
  // Plain Node, through env(1): tap's process tracking puts its loader back into the environment of every child.
  const { stdout, stderr } = await promisify(execFile)('env', ['-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE', process.execPath, '-e', script], { cwd: ROOT })
  t.equal(stdout, '[{"name":"a","value":"b"}]\n', 'inject works, cookies and all')
  t.equal(stderr, '', 'with no warning')
})
