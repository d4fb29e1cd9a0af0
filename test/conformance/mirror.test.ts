import t from 'tap'
import { buildApp } from '../../src/app.js'
import { MIRROR_TOKEN, mirrorOf, type Reads } from '../../src/conformance/mirror.js'
import { OLD_SHA, SHA, targetFixtures, TOKEN } from '../support/conformance.js'

/** What a target built from `targetFixtures` reads for a service and a job. */
async function readsOf (service: string, job?: string): Promise<Reads> {
  const app = await buildApp({ fixtures: targetFixtures() })
  const data = async (url: string) => (await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } })).json().data
  const reads: Reads = { service: await data(`/v1/projects/shop/services/${service}`) }
  if ((reads.service as { serviceType: string }).serviceType !== 'build') reads.deployment = await data(`/v1/projects/shop/services/${service}/deployment`)
  if (job !== undefined) {
    reads.job = await data(`/v1/projects/shop/jobs/${job}`)
    reads.jobDeployment = await data(`/v1/projects/shop/jobs/${job}/deployment`)
  }
  await app.close()
  return reads
}

t.test('a deployment service pinned to a build, and a job running a public image: what they run, the build listed, and how to re-deploy each', async (t) => {
  const mirror = mirrorOf({ project: 'shop', service: 'web', job: 'nightly' }, await readsOf('web', 'nightly'), true)
  t.strictSame(JSON.parse(JSON.stringify(mirror.fixtures)), {
    projects: [{
      id: 'shop',
      region: 'us-east',
      services: [
        {
          id: 'web',
          name: 'Web',
          description: 'the shop front',
          serviceType: 'deployment',
          tags: ['front'],
          deployment: {
            internal: { id: 'builder', branch: 'main', buildSHA: SHA },
            docker: { configType: 'customCommand', customCommand: 'npm start' },
            buildpack: { configType: 'default' },
            instances: 2
          }
        },
        { id: 'builder', serviceType: 'build', repository: 'https://github.com/acme/shop', branch: 'main', builds: [{ id: 'build-new', branch: 'main', sha: SHA }] }
      ],
      jobs: [{
        id: 'nightly',
        name: 'nightly',
        jobType: 'cron',
        schedule: '0 3 * * *',
        tags: [],
        deployment: { external: { imagePath: 'acme/report:1.4' }, docker: { configType: 'default' }, buildpack: { configType: 'default' } }
      }]
    }],
    tokens: [{ token: MIRROR_TOKEN }]
  })
  t.strictSame(mirror.facts, {
    serviceType: 'deployment',
    serviceSource: 'internal',
    serviceBuilder: 'builder',
    serviceRedeploy: JSON.stringify({
      internal: { id: 'builder', branch: 'main', buildSHA: SHA },
      docker: { configType: 'customCommand', customCommand: 'npm start' },
      buildpack: { configType: 'default' }
    }),
    job: { source: 'external', builder: undefined, redeploy: '{"external":{"imagePath":"acme/report:1.4"},"docker":{"configType":"default"}}' }
  })
  t.strictSame(mirror.notes, [])
})

t.test('what cannot be re-deployed exactly is a note, with --allow-deploy only: a private image, a service following the latest build', async (t) => {
  const api = await readsOf('api', 'migrate')
  const mirror = mirrorOf({ project: 'shop', service: 'api', job: 'migrate' }, api, true)
  const [service, builder] = mirror.fixtures.projects[0]?.services ?? []
  t.strictSame(service?.deployment?.external, { imagePath: 'ghcr.io/acme/api:2', credentials: 'nfmock-mirror-credentials' }, 'reads privateImage: true too')
  t.strictSame(JSON.parse(JSON.stringify(builder)), { id: 'builder', serviceType: 'build', repository: 'https://github.com/acme/shop', branch: 'main', builds: [{ id: 'build-new', branch: 'main', sha: SHA }] },
    'the latest build the job runs is listed')
  t.strictSame(mirror.fixtures.projects[0]?.jobs?.[0]?.deployment.internal, { id: 'builder', branch: 'main', buildSHA: 'latest' })
  t.strictSame(mirror.facts, { serviceType: 'deployment', serviceSource: 'external', serviceBuilder: undefined, serviceRedeploy: undefined, job: { source: 'internal', builder: 'builder', redeploy: undefined } })
  t.strictSame(mirror.notes, [
    'no re-deploy of service api: it pulls a private image with saved credentials, whose id no read shows',
    'no re-deploy of job migrate: it follows the latest build of its branch, and re-deploying that could deploy a newer build'
  ])
  t.strictSame(mirrorOf({ project: 'shop', service: 'api', job: 'migrate' }, api, false).notes, [], 'nothing to say without --allow-deploy')
})

t.test('a combined service lists its own build and re-deploys its run settings; a build service re-deploys nothing', async (t) => {
  const combined = mirrorOf({ project: 'shop', service: 'all-in-one' }, await readsOf('all-in-one'), true)
  t.strictSame(JSON.parse(JSON.stringify(combined.fixtures.projects[0]?.services)), [{
    id: 'all-in-one',
    name: 'all-in-one',
    serviceType: 'combined',
    tags: [],
    deployment: { docker: { configType: 'default' }, buildpack: { configType: 'default' }, instances: 1 },
    repository: 'https://github.com/acme/aio',
    branch: 'main',
    builds: [{ id: 'aio-1', branch: 'main', sha: SHA }]
  }])
  t.strictSame(combined.facts, { serviceType: 'combined', serviceSource: 'internal', serviceRedeploy: '{"docker":{"configType":"default"},"buildpack":{"configType":"default"}}' })
  const bare = mirrorOf({ project: 'p', service: 'c' }, { service: { serviceType: 'combined' }, deployment: {} }, true)
  t.strictSame(bare.notes, ['no re-deploy of service c: its read shows no docker or buildpack settings to send back'])
  t.equal(bare.facts.serviceRedeploy, undefined)

  const build = mirrorOf({ project: 'shop', service: 'builder', job: 'migrate' }, await readsOf('builder', 'migrate'), true)
  t.strictSame(JSON.parse(JSON.stringify(build.fixtures.projects[0]?.services)), [{
    id: 'builder', name: 'builder', serviceType: 'build', tags: [], repository: 'https://github.com/acme/shop', branch: 'main', builds: [{ id: 'build-new', branch: 'main', sha: SHA }]
  }], 'what the job tells of the build service is the service\'s own')
  t.equal(build.fixtures.projects[0]?.region, 'us-east', 'the region from the job, as a build service has no deployment to read')
  t.strictSame(build.notes, [
    'no re-deploy of service builder: a build service has no deployment',
    'no re-deploy of job migrate: it follows the latest build of its branch, and re-deploying that could deploy a newer build'
  ])
  const lone = mirrorOf({ project: 'p', service: 'b' }, { service: { serviceType: 'build', tags: ['x', 1] } }, false)
  t.strictSame(JSON.parse(JSON.stringify(lone.fixtures.projects[0])), {
    id: 'p', services: [{ id: 'b', name: 'b', serviceType: 'build', tags: ['x'], repository: '', branch: 'main', builds: [] }], jobs: []
  }, 'builds listed, none: no commit is taken as built')
})

t.test('reads the mirror cannot take whole: builds it cannot name, odd values, a job it cannot hold', async (t) => {
  const internal = (fields: Record<string, unknown>) => ({
    service: { serviceType: 'deployment' },
    deployment: { instances: 250.7, internal: { nfObjectId: 'b', repository: 'r', branch: '', ...fields } }
  })
  const pinnedById = mirrorOf({ project: 'p', service: 's' }, internal({ buildId: 'b-7', buildSHA: 'not-a-sha', deployedSHA: SHA }), false)
  t.strictSame(JSON.parse(JSON.stringify(pinnedById.fixtures.projects[0]?.services)), [
    { id: 's', name: 's', serviceType: 'deployment', tags: [], deployment: { internal: { id: 'b', branch: 'main', buildId: 'b-7' }, instances: 100 } },
    { id: 'b', serviceType: 'build', repository: 'r', branch: 'main', builds: [{ id: 'b-7', branch: 'main', sha: SHA }] }
  ], 'a build id it lists pins the build; instances within the fixtures\' bounds')
  const two = mirrorOf({ project: 'p', service: 's' }, internal({ buildSHA: OLD_SHA, deployedSHA: SHA }), false)
  t.strictSame(two.fixtures.projects[0]?.services[1]?.builds, [
    { id: 'nfmock-mirror-build-1', branch: 'main', sha: SHA },
    { id: 'nfmock-mirror-build-2', branch: 'main', sha: OLD_SHA }
  ], 'the commit asked for and the one deployed, when they differ')
  const unknown = mirrorOf({ project: 'p', service: 's' }, internal({ buildId: 'b-7' }), false)
  t.strictSame(unknown.fixtures.projects[0]?.services[0]?.deployment?.internal, { id: 'b', branch: 'main', buildSHA: 'latest' }, 'a build it cannot list: latest')
  t.strictSame(unknown.fixtures.projects[0]?.services[1]?.builds, [])
  const self = mirrorOf({ project: 'p', service: 's' }, internal({ nfObjectId: 's' }), false)
  t.strictSame(self.fixtures.projects[0]?.services.length, 1, 'a deployment service does not build itself')
  t.equal(self.facts.serviceBuilder, undefined)

  const bare = mirrorOf({ project: 'p', service: 's' }, { service: { serviceType: 'deployment' }, deployment: { internal: { nfObjectId: 'b' } } }, false)
  t.strictSame(bare.fixtures.projects[0]?.services[1], { id: 'b', serviceType: 'build', repository: '', branch: 'main', builds: [] }, 'no repository read: none')
  t.strictSame(bare.builders, ['b'])

  const jobless = (job: unknown, jobDeployment: unknown) =>
    mirrorOf({ project: 'p', service: 's', job: 'j' }, { service: { serviceType: 'deployment' }, deployment: {}, job, jobDeployment }, false)
  t.strictSame(jobless({ jobType: 'manual' }, { vcsData: {} }).notes,
    ['no job probes: job j runs neither an image nor a build service\'s build (a job that builds itself is not emulated)'])
  const odd = jobless({ jobType: 'scheduled' }, { external: { imagePath: 'a:1' } })
  t.strictSame(odd.notes, ['no job probes: job j has jobType "scheduled", which the emulator does not know'])
  t.equal(odd.facts.job, undefined)
  t.strictSame(odd.fixtures.projects[0]?.jobs, [])
  const manual = jobless({ jobType: 'manual', name: 'J', description: 'd', tags: 'none' }, { external: { imagePath: 'a:1' }, docker: { configType: 7 } })
  t.strictSame(JSON.parse(JSON.stringify(manual.fixtures.projects[0]?.jobs)), [{ id: 'j', name: 'J', description: 'd', jobType: 'manual', tags: [], deployment: { external: { imagePath: 'a:1' } } }])
  const unnamed = jobless({ jobType: 'cron' }, { external: { imagePath: 'a:1', privateImage: true } })
  t.strictSame(JSON.parse(JSON.stringify(unnamed.fixtures.projects[0]?.jobs)), [{
    id: 'j', name: 'j', jobType: 'cron', tags: [], deployment: { external: { imagePath: 'a:1', credentials: 'nfmock-mirror-credentials' } }
  }], 'a cron job without a schedule read gets the emulator\'s; a private image its credentials')
  t.strictSame(jobless(null, null).notes, ['no job probes: job j runs neither an image nor a build service\'s build (a job that builds itself is not emulated)'])

  t.throws(() => mirrorOf({ project: 'p', service: 's' }, { service: { serviceType: 'addon' } }, false),
    new Error('the service\'s serviceType is "addon", not one of combined, build, deployment'))
  t.throws(() => mirrorOf({ project: 'p', service: 's' }, { service: null }, false),
    new Error('the service\'s serviceType is undefined, not one of combined, build, deployment'))
})
