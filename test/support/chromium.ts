/**
 * Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser). When
 * /usr/bin/chromium is missing and we are root with apt-get, it is installed; otherwise the test fails and
 * says how to install it: never a silent skip.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The path of a Chromium to drive, installing Debian's package when that is possible here. */
export function findChromium (): string {
  if (existsSync(CHROMIUM)) return CHROMIUM
  const root = process.getuid?.() === 0
  const apt = existsSync('/usr/bin/apt-get')
  if (root && apt && CHROMIUM === '/usr/bin/chromium') {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env })
    execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env })
    if (existsSync(CHROMIUM)) return CHROMIUM
  }
  throw new Error(`No Chromium at ${CHROMIUM}, and it cannot be installed here (${root ? '' : 'not root; '}${apt ? '' : 'no apt-get'}). ` +
    'Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium or Chrome binary.')
}

/**
 * One headless Chromium with a fresh profile (playwright passes it as --user-data-dir). The networking
 * flags matter on a closed network: without them Chromium's own background connections are refused.
 */
export async function launchChromium (extraArgs: string[] = []): Promise<{ context: BrowserContext, close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'northflank-mock-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extraArgs
    ]
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}
