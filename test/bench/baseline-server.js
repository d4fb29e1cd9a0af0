// The benchmark's baselines: a bare Fastify app with the emulator's routes, answering {"data":{}} with no
// validation, state, auth or journal. Plain JavaScript so it starts as fast as Fastify can.
// Usage: node baseline-server.js PORT [log]. With `log`, Fastify's own default request logging
// (`logger: true`: a JSON line as each request comes in and another as it completes), the ceiling for a
// server that logs every request; without, no logging at all.
import Fastify from 'fastify'

const app = Fastify({ logger: process.argv[3] === 'log' })
const data = async () => ({ data: {} })
app.post('/v1/projects/:projectId/services/:serviceId/deployment', data)
app.get('/v1/projects/:projectId/services/:serviceId/deployment', data)
app.get('/v1/projects/:projectId/services/:serviceId', data)
app.get('/_mock/health', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
