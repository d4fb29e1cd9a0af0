#!/usr/bin/env node
/**
 * `npm run build`: dist/ from src/ and schemas/, in two parts.
 *
 * - tsc: the library, `import { startMock } from 'northflank-mock'` (dist/src/index.js and what it
 *   imports), with declarations and source maps. It shares its dependencies with the project that
 *   installs it.
 * - esbuild: the command line, dist/src/server.js and its chunks in dist/src/server-chunks/, with the
 *   dependencies inlined. Node then reads and resolves a dozen files instead of about 700 modules, which
 *   was most of the time from spawn to the first answer (`npm run bench` measures it). Only pino-pretty,
 *   an optional peer, stays outside.
 *
 * With --if-stale (npm start, npm run bench), it builds only when an input changed since the last build:
 * a SHA-256 of every input file's path and content is kept in dist/, so a current build starts at once
 * and a stale one is never run. A build starts from an empty dist/, so nothing of a deleted source stays.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const DIST = join(ROOT, 'dist')
const STAMP = join(DIST, '.inputs.sha256')
/** What the output depends on: the sources, the build scripts (this one among them), the compiler settings, the locked dependency versions (they are inlined). */
const INPUTS = ['src', 'schemas', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json']
/** A plain browser script the server reads at run time (src/routes/admin/ui/index.ts): copied, not compiled. */
const INSPECTOR_SCRIPT = 'src/routes/admin/ui/inspector.js'

function files (path) {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
}

/** One hash of every input file's path and content, in a fixed order. */
export function inputsHash () {
  const hash = createHash('sha256')
  const paths = INPUTS.flatMap((input) => files(join(ROOT, input))).map((path) => relative(ROOT, path)).sort()
  for (const path of paths) {
    hash.update(`${path}\0`)
    hash.update(readFileSync(join(ROOT, path)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

export function isCurrent () {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === inputsHash()
}

export async function build () {
  const hash = inputsHash()
  rmSync(DIST, { recursive: true, force: true })

  const require = createRequire(join(ROOT, 'package.json'))
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' })
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal})`)

  const { build: esbuild } = await import('esbuild')
  const { engines } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { server: 'src/server.ts' },
    outdir: 'dist/src',
    bundle: true,
    // Each of server.ts's dynamic imports becomes a chunk of its own, loaded when reached: server.js
    // itself stays a few kB, so its signal handlers are installed before Node parses the rest (as a
    // container's PID 1, a signal without one is ignored), and --help or --version load no server.
    splitting: true,
    chunkNames: 'server-chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    // The oldest Node the package supports: the first version in package.json's engines.
    target: `node${/\d+(\.\d+)*/.exec(engines.node)[0]}`,
    // Imported only for --log-pretty, from the project that installed it.
    external: ['pino-pretty'],
    // The CommonJS dependencies inlined (Fastify, pino, ajv…) call require() for Node's own modules.
    banner: { js: "import { createRequire as __nfmCreateRequire } from 'node:module'; const require = __nfmCreateRequire(import.meta.url);" },
    logLevel: 'warning'
  })
  // tsc's map was for its own server.js, which the bundle replaced.
  rmSync(join(DIST, 'src', 'server.js.map'))
  // The inspector's script is read at run time from beside the module that serves it: the library's
  // (dist/src/routes/admin/ui/) and the command line's chunks (dist/src/server-chunks/).
  for (const dir of ['src/routes/admin/ui', 'src/server-chunks']) copyFileSync(join(ROOT, INSPECTOR_SCRIPT), join(DIST, dir, 'inspector.js'))
  writeFileSync(STAMP, `${hash}\n`)
}

if (process.argv[1] === import.meta.filename) {
  const ifStale = process.argv.includes('--if-stale')
  if (ifStale && isCurrent()) process.exit(0)
  const t0 = performance.now()
  await build()
  console.error(`northflank-mock: built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
