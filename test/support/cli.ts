import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TMP = join(ROOT, '.tmp')

/** The TypeScript compiler this test process runs under: tap's loader registers it (ts-node's API). */
interface Compiler { compile: (code: string, fileName: string) => string }

/** Whether a process of this id is running (signal 0 only checks). */
function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'
  }
}

/** Removes what test processes that did not exit cleanly (a timeout, a kill) left in .tmp/. */
function removeLeftovers (): void {
  for (const name of readdirSync(TMP)) {
    const pid = /^cli-(\d+)-/.exec(name)?.[1]
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(TMP, name), { recursive: true, force: true })
  }
}

let entry: string[] | undefined

/**
 * src/ and schemas/ compiled to JavaScript once per test process, by the compiler that compiled them for
 * this process (tap's TypeScript loader), so with the same output and source maps: the child's coverage
 * maps back onto src/ line for line and function for function, and merges with the rest. A child started
 * this way costs under a second of CPU; run through the loader it cost about three, the loader starting
 * TypeScript and compiling every file again in each child.
 *
 * The output goes inside the repository (node_modules resolves from there), in .tmp/, removed on exit.
 * Under another loader (tsx, tap's type stripping) there is nothing to ask: the child then runs the
 * sources with this process's loader.
 */
function command (): string[] {
  if (entry !== undefined) return entry
  const compiler = (process as unknown as Record<symbol, Compiler | undefined>)[Symbol.for('ts-node.register.instance')]
  if (compiler === undefined) {
    entry = [...process.execArgv, join(ROOT, 'src', 'server.ts')]
    return entry
  }
  mkdirSync(TMP, { recursive: true })
  removeLeftovers()
  const outdir = mkdtempSync(join(TMP, `cli-${process.pid}-`))
  process.once('exit', () => { rmSync(outdir, { recursive: true, force: true }) })
  for (const dir of ['src', 'schemas']) {
    for (const name of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue
      const source = join(ROOT, dir, name)
      const target = join(outdir, dir, name.replace(/\.ts$/, '.js'))
      mkdirSync(dirname(target), { recursive: true })
      // The output's inline source map names the source by its absolute path.
      writeFileSync(target, compiler.compile(readFileSync(source, 'utf8'), source))
    }
  }
  // Not this process's execArgv: tap's TypeScript loader is not needed, and tap's coverage and process
  // tracking reach children through NODE_OPTIONS already (loaded twice, they cost a second per start).
  // Source maps on, for the coverage to map back onto src/.
  entry = ['--enable-source-maps', join(outdir, 'src', 'server.js')]
  return entry
}

/** Spawns `northflank-mock …args` with these variables added to the environment; stdout and stderr piped. */
export function spawnCli (args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [...command(), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}
