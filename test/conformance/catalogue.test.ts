import t from 'tap'
import { ABSENT, catalogue, encodeAll, NULL_SHA } from '../../src/conformance/catalogue.js'
import { expand } from '../../src/conformance/sender.js'
import { CONTEXTS, SHA, targetFixtures, TOKEN, whyHarmless } from '../support/conformance.js'

t.test('in every context: names unique, the guards first, the re-deploys last and only with --allow-deploy', async (t) => {
  for (const { ids, facts, allowDeploy } of CONTEXTS) {
    const probes = catalogue(ids, facts, allowDeploy)
    const names = probes.map((p) => p.name)
    t.equal(new Set(names).size, names.length, `${facts.serviceType}: no name twice`)
    const guards = probes.filter((p) => p.guard === true)
    t.strictSame(probes.slice(0, guards.length), guards, 'guards first')
    t.ok(guards.every((g) => g.request.method === 'GET' && g.request.path.includes(ABSENT)), 'a guard reads what must be absent')
    const deploys = probes.filter((p) => p.safety === 'deploy')
    t.strictSame(probes.slice(probes.length - deploys.length), deploys, 'deploys last')
    if (!allowDeploy) t.equal(deploys.length, 0, 'no deploy without --allow-deploy')
  }
  const [full] = CONTEXTS
  t.strictSame(catalogue(full!.ids, full!.facts, true).filter((p) => p.safety === 'deploy').map((p) => [p.name, p.request.path]), [
    ['deploy.service', '/v1/projects/p/services/s/deployment'],
    ['deploy.service-team', '/v1/teams/t/projects/p/services/s/deployment'],
    ['deploy.job', '/v1/projects/p/jobs/j/deployment']
  ])
})

t.test('a run sends at most 78 probes (docs/conformance.md), and at least 54', async (t) => {
  const ids = { project: 'p', service: 's', job: 'j', team: 't' }
  const most = { serviceType: 'deployment' as const, serviceSource: 'internal' as const, serviceBuilder: 'b', serviceRedeploy: '{}', job: { source: 'internal' as const, builder: 'b', redeploy: '{}' } }
  t.equal(catalogue(ids, most, true).length, 78)
  t.equal(catalogue({ project: 'p', service: 's' }, { serviceType: 'build' }, false).length, 54)
  for (const { ids, facts, allowDeploy } of CONTEXTS) t.ok(catalogue(ids, facts, allowDeploy).length <= 78)
})

t.test('without --allow-deploy, no request could change the target: each is a read, not the user\'s token, or harmless however leniently read', async (t) => {
  const fixtures = targetFixtures()
  const contexts = [
    { project: 'shop', service: 'web', job: 'nightly', team: 'acme', serviceBuilder: 'builder', jobBuilder: undefined },
    { project: 'shop', service: 'api', job: 'migrate', team: undefined, serviceBuilder: undefined, jobBuilder: 'builder' }
  ]
  let checked = 0
  for (const c of contexts) {
    const facts = { serviceType: 'deployment' as const, serviceBuilder: c.serviceBuilder, job: { source: 'internal' as const, builder: c.jobBuilder } }
    for (const probe of catalogue({ project: c.project, service: c.service, job: c.job, team: c.team }, facts, false)) {
      const { method, path, auth, body } = probe.request
      const authorization = { user: `Bearer ${TOKEN}`, none: undefined, malformed: 'Basic x', unknown: 'Bearer other' }[auth]
      const why = whyHarmless({ method, url: path, authorization, body: expand(body ?? '', probe.request) }, fixtures)
      t.ok(why !== undefined, `${probe.name}: ${why ?? 'COULD CHANGE THE TARGET'}`)
      checked++
    }
  }
  t.ok(checked > 120, `${checked} requests checked`)
})

t.test('the harm check is not vacuous: a re-deploy, a run-settings block and an image could change the target', async (t) => {
  const fixtures = targetFixtures()
  const post = (url: string, body: string) => whyHarmless({ method: 'POST', url, authorization: `Bearer ${TOKEN}`, body }, fixtures)
  const web = '/v1/projects/shop/services/web/deployment'
  t.equal(post(web, `{"internal":{"id":"builder","branch":"main","buildSHA":"${SHA}"}}`), undefined, 'a build that exists')
  t.equal(post(web, '{"internal":{"id":"builder","buildId":"build-old"}}'), undefined, 'a build id that exists')
  t.equal(post(web, '{"external":{"imagePath":"nginx:1"}}'), undefined)
  t.equal(post(web, `{"internal":{"id":"${ABSENT}"},"docker":{"configType":"customCommand"}}`), undefined,
    'a lenient server applies the docker block it keeps once it drops internal')
  t.equal(post('//v1/projects/shop/jobs/nightly/deployment', '{"docker":{"configType":"default","x":1}}'), undefined)
  t.equal(post(web, `{"internal":{"id":"builder","buildSHA":"${NULL_SHA}"}}`), `commit ${NULL_SHA} was not built; it is {}, which changes nothing`)
  t.equal(post(web, `{"internal":{"id":"builder","buildId":"${ABSENT}"}}`), `build ${ABSENT} does not exist; it is {}, which changes nothing`)
  t.equal(post(web, '{"external":'), 'not JSON')
  t.equal(post('/v1/projects/shop/services/nope/deployment', '{}'), 'services nope of project shop does not exist')
  t.equal(post('/v2/anything', '{}'), 'no route of the API')
  t.equal(whyHarmless({ method: 'POST', url: web, authorization: undefined, body: '{}' }, fixtures), 'not the user\'s token')
  t.equal(whyHarmless({ method: 'GET', url: web, authorization: undefined, body: '' }, fixtures), 'a read')
  t.equal(post(web, '[]'), 'refused by the wire schema, however leniently read')
})

t.test('a few probes as they are sent: the guards, a path with every character escaped, a padded body', async (t) => {
  const probes = catalogue({ project: 'shop', service: 'web' }, { serviceType: 'deployment' }, false)
  const byName = new Map(probes.map((p) => [p.name, p]))
  t.strictSame(probes.slice(0, 2).map((p) => [p.name, p.request.path, p.rule]), [
    ['guard.absent-service', '/v1/projects/shop/services/nfmock-absent', 'unknown-project-service-404'],
    ['guard.absent-project', '/v1/projects/nfmock-absent/services/nfmock-absent', 'unknown-project-service-404']
  ])
  t.equal(encodeAll('web'), '%77%65%62')
  t.equal(byName.get('read.path-encoded')?.request.path, '/v1/projects/%73%68%6F%70/services/%77%65%62')
  t.equal(byName.get('read.double-slash')?.request.path, '//v1/projects/shop/services/web')
  const limit = byName.get('limit.body')?.request
  t.equal(expand(limit?.body ?? '', limit!).length, 1_100_000 + '{"internal":{"id":"nfmock-absent","branch":""}}'.length)
  t.equal(byName.get('commit.not-built'), undefined, 'no build service read, no commit probe')
  t.equal(byName.get('valid.absent-build-service')?.rule, 'unknown-build-service-404')
  t.equal(catalogue({ project: 'p', service: 'c' }, { serviceType: 'combined' }, false).find((p) => p.name === 'valid.absent-build-service')?.rule,
    'image-source-409', 'a combined service cannot change its image source at all')
  t.equal(catalogue({ project: 'p', service: 'b' }, { serviceType: 'build' }, false).some((p) => p.request.path.endsWith('/b/deployment') && p.request.method === 'GET'),
    false, 'a build service\'s deployment is not read')
})
