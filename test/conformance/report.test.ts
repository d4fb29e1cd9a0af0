import t from 'tap'
import type { ProbeRecord, Report } from '../../schemas/conformance.js'
import { placeholders, publish, redactionClash, scrub } from '../../src/conformance/report.js'
import { RunError } from '../../src/conformance/sender.js'

function report (probes: ProbeRecord[]): Report {
  return {
    target: 'https://web.example.com',
    date: '2027-01-05T10:00:00.000Z',
    version: '0.1.0',
    complete: true,
    stopped: null,
    redacted: false,
    targetIsEmulator: false,
    options: { job: true, team: false, allowDeploy: false },
    requests: { target: 3, emulator: 1 },
    mirror: { projects: [{ id: 'shop', services: [{ id: 'web', serviceType: 'deployment' }, { id: 'web-builder', serviceType: 'build' }] }] },
    notes: ['no re-deploy of service web: …'],
    probes
  }
}

const probe: ProbeRecord = {
  name: 'read.path-encoded',
  rule: 'path-encoded',
  safety: 'read',
  request: { method: 'GET', path: '/v1/projects/%73%68%6F%70/services/web', auth: 'user', headers: {}, body: '{"internal":{"id":"web-builder"}}' },
  compare: { status: 'exact', body: 'covers', values: [], headers: [] },
  target: { status: 401, headers: {}, body: { error: { message: 'token sekrit-123 is not valid for shop', web: 'web', id: 'website-web-2', details: { nested: ['sekrit-123'] } } } },
  emulator: { status: 200, headers: {}, body: { data: { appId: '/shop/web' } } },
  agree: false,
  differences: ['status: 401 at the target, 200 at the emulator']
}

t.test('the token is scrubbed from every string of a report, the target URL included', async (t) => {
  t.equal(scrub('a sekrit-123 b sekrit-123', 'sekrit-123'), 'a [token] b [token]')
  t.equal(scrub('nothing', ''), 'nothing')
  const shown = publish(report([probe]), 'sekrit-123')
  t.equal(JSON.stringify(shown).includes('sekrit-123'), false)
  t.equal((shown.probes[0]?.target.body as any).error.message, 'token [token] is not valid for shop')
  t.strictSame((shown.probes[0]?.target.body as any).error.details.nested, ['[token]'])
  t.equal(shown.redacted, false)
  t.equal(publish({ ...report([]), target: 'https://sekrit-123.example' }, 'sekrit-123').target, 'https://[token].example')
})

t.test('--redact replaces each whole id, as written or percent-encoded, in values but not keys, and not in the target URL', async (t) => {
  const shown = publish(report([probe]), 'sekrit-123', { project: 'shop', service: 'web', builders: ['web-builder'] })
  t.equal(shown.redacted, true)
  t.equal(shown.target, 'https://web.example.com')
  const [p] = shown.probes
  t.equal(p?.request.path, '/v1/projects/%6D%79%2D%70%72%6F%6A%65%63%74/services/my-service')
  t.equal(p?.request.body, '{"internal":{"id":"my-build-service"}}', 'the longer id first, whole')
  t.strictSame(p?.target.body, { error: { message: 'token [token] is not valid for my-project', web: 'my-service', id: 'website-web-2', details: { nested: ['[token]'] } } },
    'a key that is an id stays a key; an id inside a longer word stays')
  t.strictSame(p?.emulator.body, { data: { appId: '/my-project/my-service' } })
  t.strictSame(shown.mirror.projects[0]?.services.map((s) => s.id), ['my-service', 'my-build-service'])
  t.strictSame(shown.notes, ['no re-deploy of service my-service: …'])
  t.strictSame(placeholders({ project: 'p', service: 'svc', job: 'jobby', team: 'tm', builders: ['b1', 'b2'] }), [
    ['jobby', 'my-job'], ['svc', 'my-service'], ['p', 'my-project'], ['tm', 'my-team'], ['b1', 'my-build-service'], ['b2', 'my-build-service-2']
  ].sort(([a], [b]) => (b as string).length - (a as string).length))
})

t.test('--redact refuses an id that is also a word the probes send or compare', async (t) => {
  t.equal(redactionClash(['shop', 'web', 'nightly']), undefined)
  t.equal(redactionClash(['shop', 'deployment']), '--redact cannot replace the id "deployment": the probes send or compare that word themselves')
  for (const word of ['latest', 'nginx', 'services', 'github', 'service', 'my-project', 'nfmock-absent']) t.ok(redactionClash([word]), word)
  const error = (() => {
    try {
      publish(report([]), 'x', { project: 'shop', service: 'web', builders: ['latest'] })
    } catch (err) {
      return err
    }
  })()
  t.ok(error instanceof RunError)
  t.equal((error as RunError).message, '--redact cannot replace the id "latest": the probes send or compare that word themselves')
})
