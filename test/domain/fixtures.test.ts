import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildState, checkFixtures, defaultFixtures, readFixturesFile } from '../../src/domain/fixtures.js'
import { build, get } from '../support/helper.js'
import { richFixtures } from '../support/fixtures/rich.js'

const dir = mkdtempSync(join(tmpdir(), 'nf-fixtures-'))
function file (name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

t.test('a fixtures file replaces the default project', async (t) => {
  const path = file('rich.json', JSON.stringify(richFixtures()))
  const app = await build(t, { fixtures: readFixturesFile(path) })
  t.equal((await get(app, '/v1/projects/shop/services/web')).statusCode, 200)
  t.equal((await get(app, '/v1/projects/default-project/services/example-service')).statusCode, 404)
})

t.test('the default fixtures hold the docs\' example names', async (t) => {
  const state = buildState(defaultFixtures())
  const services = state.projects.get('default-project')?.services
  t.strictSame([...(services?.keys() ?? [])], ['example-service', 'example-build-service', 'example-combined-service'])
  t.strictSame(services?.get('example-build-service')?.builder?.builds?.map((b) => [b.id, b.branch]), [['premium-guide-6393', 'master']])
  t.equal(state.tokens, undefined, 'no token list: any token is accepted')
})

t.test('each state is a fresh copy: changing one never changes the fixtures or another', async (t) => {
  const fixtures = defaultFixtures()
  const a = buildState(fixtures)
  const b = buildState(fixtures)
  const svc = a.projects.get('default-project')?.services.get('example-service')
  if (svc?.deployment === undefined) throw new Error('fixture service without deployment')
  svc.deployment.docker.configType = 'customCommand'
  svc.tags.push('x')
  t.strictSame(b.projects.get('default-project')?.services.get('example-service')?.deployment?.docker, { configType: 'default' })
  t.strictSame(fixtures.projects[0]?.services[0]?.deployment?.docker, { configType: 'default' })
  t.equal(fixtures.projects[0]?.services[0]?.tags, undefined)
})

t.test('a bad fixtures file is refused with a message naming the file and the field', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['missing.json', '', /^fixtures .*missing\.json: cannot be read/],
    ['bad.json', '{"projects": [', /bad\.json: is not valid JSON/],
    ['type.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"lambda"}]}]}',
      /type\.json: fixtures\.projects\[0\]\.services\[0\]\.serviceType must be one of: deployment, combined, build/],
    ['extra.json', '{"projects":[],"users":[]}', /fixtures\.users is not allowed/],
    ['image.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"deployment","deployment":{"external":{"imagePath":"nginx"}}}]}]}',
      /fixtures\.projects\[0\]\.services\[0\]\.deployment\.external\.imagePath must be an image with a :tag or @digest/],
    ['dup-project.json', '{"projects":[{"id":"p","services":[]},{"id":"p","services":[]}]}', /fixtures\.projects\[1\]\.id: project "p" is listed twice/],
    ['dup-service.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"build"},{"id":"s","serviceType":"build"}]}]}',
      /fixtures\.projects\[0\]\.services\[1\]\.id: service "s" is listed twice/],
    ['dup-build.json', `{"projects":[{"id":"p","services":[{"id":"b","serviceType":"build","builds":[{"id":"x","branch":"m","sha":"${'a'.repeat(40)}"},{"id":"x","branch":"m","sha":"${'b'.repeat(40)}"}]}]}]}`,
      /services\[0\]\.builds\[1\]\.id: build "x" is listed twice/],
    ['ref.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"deployment","deployment":{"internal":{"id":"ghost"}}}]}]}',
      /services\[0\]\.deployment: internal\.id: no build service "ghost" in project "p"/],
    ['both.json', '{"projects":[{"id":"p","services":[{"id":"bld","serviceType":"build"},{"id":"s","serviceType":"deployment","deployment":{"external":{"imagePath":"a:b"},"internal":{"id":"bld"}}}]}]}',
      /services\[1\]\.deployment: has external or internal, not both/],
    ['builds-on-deployment.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"deployment","builds":[]}]}]}',
      /services\[0\]: a deployment service has no repository or builds/],
    ['deployment-on-build.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"build","deployment":{}}]}]}',
      /services\[0\]\.deployment: a build service has no deployment/],
    ['combined-source.json', '{"projects":[{"id":"p","services":[{"id":"s","serviceType":"combined","deployment":{"external":{"imagePath":"a:b"}}}]}]}',
      /services\[0\]\.deployment: a combined service deploys its own builds/],
    ['token.json', '{"projects":[],"tokens":[{"token":""}]}', /fixtures\.tokens\[0\]\.token must be at least 1 characters long/]
  ]
  for (const [name, text, message] of cases) {
    const path = name === 'missing.json' ? join(dir, name) : file(name, text)
    t.throws(() => readFixturesFile(path), message, name)
    t.throws(() => readFixturesFile(path), { name: 'FixturesError' })
  }
})

t.test('jobs in fixtures are checked as services are: their type, a source of one kind, the rules of an update, unique ids', async (t) => {
  const project = (jobs: unknown) => ({ projects: [{ id: 'p', services: [{ id: 'builder', serviceType: 'build' }], jobs }] })
  const cases: Array<[string, unknown, string]> = [
    ['a misspelt type', [{ id: 'j', jobType: 'scheduled', deployment: { external: { imagePath: 'a:b' } } }],
      'fixtures.projects[0].jobs[0].jobType must be one of: manual, cron'],
    ['no source', [{ id: 'j', jobType: 'manual', deployment: { docker: { configType: 'default' } } }],
      'fixtures.projects[0].jobs[0].deployment: has no external or internal: a job runs an image or a build'],
    ['both sources', [{ id: 'j', jobType: 'manual', deployment: { external: { imagePath: 'a:b' }, internal: { id: 'builder' } } }],
      'fixtures.projects[0].jobs[0].deployment: has external or internal, not both'],
    ['an unknown build service', [{ id: 'j', jobType: 'manual', deployment: { internal: { id: 'ghost' } } }],
      'fixtures.projects[0].jobs[0].deployment: internal.id: no build service "ghost" in project "p" (its build services: builder)'],
    ['a schedule on a manual job', [{ id: 'j', jobType: 'manual', schedule: '* * * * *', deployment: { external: { imagePath: 'a:b' } } }],
      'fixtures.projects[0].jobs[0].schedule: only a cron job has a schedule'],
    ['a job listed twice', [{ id: 'j', jobType: 'manual', deployment: { external: { imagePath: 'a:b' } } }, { id: 'j', jobType: 'cron', deployment: { external: { imagePath: 'a:c' } } }],
      'fixtures.projects[0].jobs[1].id: job "j" is listed twice in project "p"'],
    ['an id that is no id', [{ id: '__proto__', jobType: 'manual', deployment: { external: { imagePath: 'a:b' } } }],
      'fixtures.projects[0].jobs[0].id must be a letter, then letters, digits and single dashes, not ending in a dash']
  ]
  for (const [name, jobs, problem] of cases) {
    t.throws(() => checkFixtures(project(jobs), 'inline'), { name: 'FixturesError', message: `fixtures inline: ${problem}` }, name)
  }
  const state = buildState(checkFixtures(project([{ id: 'j', jobType: 'cron', deployment: { internal: { id: 'builder' } } }]), 'inline'))
  const built = state.projects.get('p')?.jobs.get('j')
  t.equal(built?.schedule, '0 * * * *', 'a cron job without a schedule runs every hour')
  t.matchStrict(built?.deployment.source, { kind: 'internal', buildServiceId: 'builder', branch: 'main', buildSHA: 'latest' })
})

t.test('checkFixtures accepts a document as parsed, and tokens build a token list', async (t) => {
  const fixtures = checkFixtures({ projects: [], tokens: [{ token: 'a', permissions: ['x'], projects: ['p'] }] }, 'inline')
  const state = buildState(fixtures)
  t.strictSame([...(state.tokens?.get('a')?.permissions ?? [])], ['x'])
  t.strictSame([...(state.tokens?.get('a')?.projects ?? [])], ['p'])
})

t.test('timestamps in fixtures must be RFC 3339 date-times', async (t) => {
  const doc = (createdAt: string) => ({ projects: [{ id: 'p', services: [{ id: 's', serviceType: 'build', createdAt }] }] })
  t.ok(checkFixtures(doc('2026-01-01T00:00:00Z'), 'inline'))
  t.ok(checkFixtures(doc('2026-01-01T00:00:00.123+02:00'), 'inline'))
  for (const bad of ['2026-01-01', 'yesterday', '2026-13-45T99:00:00Z']) {
    t.throws(() => checkFixtures(doc(bad), 'inline'), /createdAt must match format "date-time"/, bad)
  }
})
