import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The version in the nearest package.json above `from` (src/ when run with tsx, dist/src/ when built). */
export function packageVersion (from: string): string {
  let dir = dirname(fileURLToPath(from))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) return '0.0.0'
    dir = up
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
}

/**
 * The image's name and tag for a version of the package: what `npm run docker:build` and the docs'
 * `docker build` tag, and, for this version, what the Testcontainers module starts by default, so that it
 * runs the emulator of the package that starts it.
 */
export function imageName (version: string): string {
  return `northflank-mock:${version}`
}

export const VERSION = packageVersion(import.meta.url)

/** The header every answer carries, with VERSION as its value: which emulator, and which version of it, answered. */
export const NAME_HEADER = 'x-northflank-mock'
