// The benchmark's baseline: a bare Fastify app with the emulator's routes, answering {"data":{}} with no
// validation, state, auth or logging. Plain JavaScript so it starts as fast as Fastify can. Port: argv[2].
import Fastify from 'fastify'

const app = Fastify({ logger: false })
const data = async () => ({ data: {} })
app.post('/v1/projects/:projectId/services/:serviceId/deployment', data)
app.get('/v1/projects/:projectId/services/:serviceId/deployment', data)
app.get('/v1/projects/:projectId/services/:serviceId', data)
app.get('/_mock/health', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' })
