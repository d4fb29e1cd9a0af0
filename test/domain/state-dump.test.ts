import t from 'tap'
import type { StateDump } from '../../schemas/admin.js'
import { buildState, defaultFixtures } from '../../src/domain/fixtures.js'
import { dumpState, restoreState, StateError } from '../../src/domain/state-dump.js'

const PROJECT = 'default-project'
const SERVICE = 'example-service'
const JOB = 'example-job'

/** The error a call throws, as its class and message, for an exact comparison. */
function thrown (fn: () => unknown): { isStateError: boolean, message: string } | undefined {
  try {
    fn()
  } catch (err) {
    return { isStateError: err instanceof StateError, message: (err as Error).message }
  }
  return undefined
}

function fixtureState () {
  return buildState({ ...defaultFixtures(), tokens: [{ token: 'ro', permissions: ['x'], projects: [PROJECT] }, { token: 'any' }] })
}

t.test('a dump restores to a state whose dump is the same, token grants included', async (t) => {
  const dump = dumpState(fixtureState())
  t.strictSame(dumpState(restoreState(dump)), dump)
  t.strictSame(dump.tokens, [{ token: 'ro', permissions: ['x'], projects: [PROJECT] }, { token: 'any' }])
  t.equal(dumpState(buildState(defaultFixtures())).tokens, undefined, 'no token list, none dumped')
})

t.test('a dump and a restored state share nothing with what they came from', async (t) => {
  const state = fixtureState()
  const before = structuredClone(dumpState(state))
  const dump = dumpState(state)
  const service = dump.projects[PROJECT]?.services[SERVICE]
  service?.tags.push('changed')
  if (service?.deployment?.source?.kind === 'external') service.deployment.source.imagePath = 'changed:1'
  dump.projects[PROJECT]?.jobs?.[JOB]?.tags.push('changed')
  dump.tokens?.[0]?.permissions?.push('changed')
  t.strictSame(dumpState(state), before, 'changing the dump leaves the state as it was')

  const restored = restoreState(before)
  const copy = structuredClone(before)
  restored.projects.get(PROJECT)?.services.get(SERVICE)?.tags.push('changed')
  restored.tokens?.get('ro')?.permissions?.add('changed')
  t.strictSame(before, copy, 'changing the restored state leaves the dump as it was')
})

t.test('a key that is not the id it keys is a StateError naming the field', async (t) => {
  const good = (): StateDump => dumpState(buildState(defaultFixtures()))
  const project = good()
  project.projects.other = { ...project.projects[PROJECT] as StateDump['projects'][string] }
  t.strictSame(thrown(() => restoreState(project)),
    { isStateError: true, message: 'state.projects["other"].id: is "default-project", but the project is keyed "other"' })

  const service = good()
  const services = service.projects[PROJECT]?.services as Record<string, unknown>
  services.renamed = services[SERVICE]
  t.strictSame(thrown(() => restoreState(service, 'body')),
    { isStateError: true, message: 'body.projects["default-project"].services["renamed"].id: is "example-service", but the service is keyed "renamed"' })

  const job = good()
  const jobs = job.projects[PROJECT]?.jobs as Record<string, unknown>
  jobs.renamed = jobs[JOB]
  t.strictSame(thrown(() => restoreState(job, 'file.state')),
    { isStateError: true, message: 'file.state.projects["default-project"].jobs["renamed"].id: is "example-job", but the job is keyed "renamed"' })
})

t.test('a project without jobs restores with none', async (t) => {
  const dump = dumpState(buildState(defaultFixtures()))
  delete dump.projects[PROJECT]?.jobs
  t.equal(restoreState(dump).projects.get(PROJECT)?.jobs.size, 0)
})
