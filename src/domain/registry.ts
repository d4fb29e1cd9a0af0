import type { RegistryProvider } from '../../schemas/service.js'

/**
 * The registry host of an image path: the first segment when it looks like a host (has a dot or a
 * port, or is localhost), as Docker itself decides; none means Docker Hub.
 */
export function registryHost (imagePath: string): string | undefined {
  const path = imagePath.replace(/^https?:\/\//, '')
  const slash = path.indexOf('/')
  if (slash < 0) return undefined
  const first = path.slice(0, slash)
  return /[.:]/.test(first) || first === 'localhost' ? first.replace(/:\d+$/, '').toLowerCase() : undefined
}

/**
 * `registryProvider` as GET …/deployment reports it. Inferred (docs/northflank-contract.md, "What the read
 * endpoints show"): the client's types list the providers, but the mapping from hosts to them is not documented.
 */
export function registryProvider (imagePath: string): RegistryProvider {
  const host = registryHost(imagePath)
  if (host === undefined || host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return 'dockerhub'
  if (host === 'dhi.io') return 'dhi'
  if (host === 'ghcr.io') return 'github'
  if (host === 'registry.gitlab.com') return 'gitlab'
  if (host.endsWith('.azurecr.io')) return 'acr'
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return 'ecr'
  if (host === 'gcr.io' || host.endsWith('.gcr.io') || host.endsWith('-docker.pkg.dev')) return 'gar'
  return 'custom'
}
