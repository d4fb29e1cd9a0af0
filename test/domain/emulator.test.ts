import t from 'tap'
import { updateDeployment } from '../../src/domain/deployments.js'
import { Emulator } from '../../src/domain/emulator.js'
import { defaultFixtures } from '../../src/domain/fixtures.js'

t.test('Emulator.reset returns the state to the fixtures', async (t) => {
  const emulator = new Emulator(defaultFixtures(), { clock: { now: () => new Date(0) } })
  updateDeployment(emulator.state, 'default-project', 'example-service', { external: { imagePath: 'x:1' } }, emulator.clock.now())
  emulator.reset()
  const svc = emulator.state.projects.get('default-project')?.services.get('example-service')
  t.strictSame(svc?.deployment?.source, { kind: 'external', imagePath: 'nginx:latest', credentials: undefined })
  t.equal(svc?.status.rollout?.startedAt, '2026-01-01T00:00:00.000Z', 'as deployed at fixture time, not at the update')
})
