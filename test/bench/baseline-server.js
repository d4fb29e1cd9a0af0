// The benchmark's baselines: a bare Fastify app with the emulator's routes, answering {"data":{}} with no
// state, auth or journal. The update route carries the emulator's body schema (dist/schemas, built by
// `npm run build`), validated by Fastify's own Ajv as given: no coercion, no removal, no defaults, as the
// emulator checks a body (Ajv's defaults otherwise; patterns without the u flag, which the wire patterns'
// `\-` needs). Plain JavaScript so it starts as fast as Fastify can.
// Usage: node baseline-server.js PORT [log]. With `log`, Fastify's own default request logging
// (`logger: true`: a JSON line as each request comes in and another as it completes), the ceiling for a
// server that logs every request; without, no logging at all.
import Fastify from 'fastify'
import { UpdateDeploymentBodySchema } from '../../dist/schemas/deployment.js'

const app = Fastify({
  logger: process.argv[3] === 'log',
  ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, unicodeRegExp: false, strictRequired: false } }
})
const data = async () => ({ data: {} })
app.post('/v1/projects/:projectId/services/:serviceId/deployment', { schema: { body: UpdateDeploymentBodySchema } }, data)
app.get('/v1/projects/:projectId/services/:serviceId/deployment', data)
app.get('/v1/projects/:projectId/services/:serviceId', data)
app.get('/_mock/health', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
