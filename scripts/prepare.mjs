#!/usr/bin/env node
/**
 * npm's `prepare`: make this folder a working package, whatever way it is being installed.
 *
 * - `npm ci` / `npm install` here, and a git URL (npm clones, installs every dependency, runs prepare,
 *   packs): the dependencies are there, so this only builds (when dist/ is stale).
 * - A path (`npm install path/to/northflank-mock`): npm links the folder and runs prepare in it, but
 *   installs none of its dependencies, neither here nor in the project that links it; and Node resolves
 *   them from the folder's real path. So this installs them here first, as locked (`npm ci`, dev
 *   dependencies included: the build needs TypeScript and esbuild), then builds. The same for
 *   `npm pack` or `npm install --install-links` on a fresh clone.
 * - `npm ci --omit=dev` here: the user chose to leave the build tools out. A current dist/ is kept;
 *   otherwise this stops and says what to run.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = realpathSync(join(import.meta.dirname, '..'))
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
// A project's direct dependencies always sit in its own node_modules/.
const missing = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter((name) => !existsSync(join(ROOT, 'node_modules', name, 'package.json')))

if (missing.length > 0) {
  // npm runs scripts with the project it works on as npm_config_local_prefix: another one when this
  // folder is linked into it.
  const prefix = process.env.npm_config_local_prefix
  const linked = prefix !== undefined && existsSync(prefix) && realpathSync(prefix) !== ROOT
  const packing = ['pack', 'publish'].includes(process.env.npm_command ?? '')
  if (!linked && !packing) {
    const { isCurrent } = await import('./build.mjs')
    if (isCurrent()) process.exit(0)
    const names = missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ')
    console.error(`northflank-mock: cannot build dist/: ${names} not installed. ` +
      'Run `npm ci` (without --omit=dev), or `npm ci --omit=dev --ignore-scripts` in a checkout already built.')
    process.exit(1)
  }
  // Said before it starts: npm shows a dependency's script output only with --foreground-scripts, or when
  // it fails, and the whole takes about a minute.
  console.error(`northflank-mock: installing its build tools in ${ROOT} (npm ci), then building dist/ (the library ` +
    'and the bundled command line) from the sources: about a minute, once')
  const npm = process.env.npm_execpath
  const args = ['ci', '--prefix', ROOT, '--include=dev', '--ignore-scripts', '--global=false', '--no-audit', '--no-fund']
  // Under npm, its own CLI script with this Node; alone, the npm on the PATH.
  const install = npm !== undefined && npm.endsWith('.js')
    ? spawnSync(process.execPath, [npm, ...args], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit' })
  if (install.status !== 0) process.exit(install.status ?? 1)
}

const { build, isCurrent } = await import('./build.mjs')
if (!isCurrent()) {
  if (missing.length === 0) console.error('northflank-mock: building dist/ (the library and the bundled command line) from the sources: under a minute')
  await build()
}
