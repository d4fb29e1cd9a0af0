import t from 'tap'
import { build, DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

// The three example requests of the endpoint's page (https://northflank.com/docs/v1/api/services/update-service-deployment),
// against the default fixtures.
t.test('the endpoint page\'s three example requests answer 200 {"data":{}} and change what GET …/deployment reads', async (t) => {
  const app = await build(t)

  let res = await post(app, DEPLOYMENT_URL, { external: { imagePath: 'nginx:latest', credentials: 'example-credentials' }, docker: { configType: 'default' } })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { data: {} })
  t.strictSame((await readBack(app)).external, { imagePath: 'nginx:latest', registryProvider: 'dockerhub', privateImage: true })

  res = await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service', branch: 'master', buildId: 'premium-guide-6393' }, docker: { configType: 'default' } })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { data: {} })
  const internal = (await readBack(app)).internal
  t.matchStrict(internal, { nfObjectId: 'example-build-service', nfObjectType: 'service', branch: 'master', buildId: 'premium-guide-6393' })
  t.notOk('external' in (await readBack(app)), 'the internal deployment replaced the external one')

  res = await post(app, DEPLOYMENT_URL, { docker: { configType: 'customCommand', customCommand: 'nginx -g' } })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { data: {} })
  const after = await readBack(app)
  t.strictSame(after.docker, { configType: 'customCommand', customCommand: 'nginx -g' })
  t.strictSame(after.internal, internal, 'the don\'t-modify variant left the image source alone')
})
