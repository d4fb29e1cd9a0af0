// Example "code under test" for docker/docker-compose.yml: deploys an image through the official
// Northflank JS client to the emulator, reads the deployment back, and exits 0 only if it matches.
// Compose starts it once the emulator is healthy (depends_on: condition: service_healthy), so it
// neither polls nor retries.
import { ApiClient, ApiClientInMemoryContextProvider } from '@northflank/js-client'

const host = process.env.NORTHFLANK_API_HOST ?? 'http://northflank:8080'
const token = process.env.NORTHFLANK_API_TOKEN ?? 'demo-token'
const projectId = process.env.PROJECT_ID ?? 'demo-project'
const serviceId = process.env.SERVICE_ID ?? 'web'
const imagePath = process.env.IMAGE_PATH ?? 'ghcr.io/example/web:1.2.3'

const contexts = new ApiClientInMemoryContextProvider()
await contexts.addContext({ name: 'emulator', token, host })
const api = new ApiClient(contexts, { throwErrorOnHttpErrorCode: true })

try {
  await api.update.service.deployment({
    parameters: { projectId, serviceId },
    data: { external: { imagePath } }
  })
  console.log(`deployed ${imagePath} to ${projectId}/${serviceId} via ${host}`)

  const { data } = await api.get.service.deployment({ parameters: { projectId, serviceId } })
  const deployed = data.external?.imagePath
  if (deployed !== imagePath) {
    console.error(`FAIL: read back external.imagePath ${JSON.stringify(deployed)}, expected ${JSON.stringify(imagePath)}`)
    process.exit(1)
  }
  console.log(`read back ${deployed} (registryProvider ${data.external.registryProvider}): OK`)

  // A test suite beside it reaches the control plane by the same service name.
  const verified = await fetch(`${host}/_mock/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'POST', service: serviceId, body: { external: { imagePath } }, count: { exactly: 1 } })
  })
  if (verified.status !== 200) {
    console.error(`FAIL: POST ${host}/_mock/verify answered ${verified.status}: ${await verified.text()}`)
    process.exit(1)
  }
  console.log(`verified through ${host}/_mock: OK`)
} catch (err) {
  // NorthflankApiCallError carries the HTTP status and the emulator's error id; other errors are network ones.
  console.error(`FAIL: ${err.message}${err.status === undefined ? '' : ` (HTTP ${err.status}, id ${err.id})`}`)
  process.exit(1)
}
