import { readFileSync } from 'node:fs'

/** The package version, from the nearest package.json above this file (src/ or dist/src/). */
function readVersion (): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string, version?: string }
      if (pkg.name === 'northflank-mock' && pkg.version !== undefined) return pkg.version
    } catch {}
  }
  return '0.0.0'
}

export const VERSION = readVersion()
