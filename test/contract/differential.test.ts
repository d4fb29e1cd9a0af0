import t, { type Test } from 'tap'
import fc from 'fast-check'
import { UpdateDeploymentBodySchema } from '../../schemas/deployment.js'
import { IMAGE_PATH_PATTERN } from '../../schemas/patterns.js'
import { validatorCompiler } from '../../src/validation.js'
import { buildServiceIdCandidate, candidateBody, imagePathCandidate, validBody } from '../support/arbitraries.js'
import { scaled } from '../support/heavy.js'
import { build, post } from '../support/helper.js'
import { independentValidator, WIRE_SCHEMA } from '../support/upstream.js'

// Differential tests: for every generated body, the emulator's verdict equals that of an independent
// validator (Ajv compiled from the verbatim wire schema plus the docs' rules, test/support/upstream.ts). Seeded:
// a failure prints its seed and path, and shrinks to the smallest body that disagrees. Another seed:
// FC_SEED=123 npx tap test/contract/differential.test.ts
const SEED = Number(process.env.FC_SEED ?? 20261129)

/** Runs a property; on failure the assertion's message is fast-check's report (seed, path, counterexample). */
async function check<Ts> (t: Test, name: string, property: fc.IAsyncPropertyWithHooks<[Ts]> | fc.IPropertyWithHooks<[Ts]>, numRuns: number) {
  const details = await fc.check(property, { seed: SEED, numRuns })
  const report = details.failed ? String(fc.defaultReportMessage(details)) : `${name}: ${details.numRuns} cases agree (seed ${SEED})`
  t.notOk(details.failed, report)
}

/** The emulator's verdict: the validator Fastify runs on the route's body, built as buildApp builds it. */
const emulatorValidate = validatorCompiler({ schema: UpdateDeploymentBodySchema, httpPart: 'body', method: 'POST', url: '/' })
const emulatorAccepts = (body: unknown) => !('error' in (emulatorValidate(body) as object))
const independent = independentValidator()
const independentAccepts = (body: unknown) => independent(body) === true

t.test('generated valid bodies are valid to the independent validator and to the emulator', async (t) => {
  await check(t, 'valid bodies', fc.property(validBody, (body) => independentAccepts(body) && emulatorAccepts(body)), scaled(2000))
})

t.test('on valid bodies and near-misses, the emulator accepts exactly what the independent validator accepts', async (t) => {
  const CANDIDATES = scaled(20000)
  let accepted = 0
  await check(t, 'candidates', fc.property(candidateBody, (body) => {
    const verdict = independentAccepts(body)
    if (verdict) accepted++
    return emulatorAccepts(body) === verdict
  }), CANDIDATES)
  // The generator is only useful if it lands on both sides of the line.
  t.ok(accepted > CANDIDATES / 10 && accepted < CANDIDATES * 0.9, `${accepted} of ${CANDIDATES} accepted: both sides are exercised`)
})

t.test('over HTTP, a generated body gets a 400 exactly when the independent validator rejects it', async (t) => {
  // A deployment service already deploying from a build service whose builds are unknown: every body
  // that passes the schema is then applied (200), so a 400 can only be the schema's.
  const app = await build(t, {
    fixtures: {
      projects: [{
        id: 'p',
        services: [
          { id: 'builder', serviceType: 'build', repository: 'r', branch: 'main' },
          { id: 'web', serviceType: 'deployment', deployment: { internal: { id: 'builder' } } }
        ]
      }]
    }
  })
  // A valid internal body is made to name the fixture's build service (an external one may have replaced
  // it), so that it is applied.
  const applicable = (body: unknown) => {
    const b = body as { internal?: object }
    if (independentAccepts(body) && b.internal !== undefined) return { ...b, internal: { ...b.internal, id: 'builder' } }
    return body
  }
  await check(t, 'HTTP', fc.asyncProperty(candidateBody, async (candidate) => {
    const body = applicable(candidate)
    const res = await post(app, '/v1/projects/p/services/web/deployment', JSON.stringify(body))
    const expected = independentAccepts(body) ? 200 : 400
    if (res.statusCode !== expected) return false
    if (expected === 400) return Array.isArray(res.json().error.details.errors) && res.json().error.details.errors.length > 0
    return true
  }), scaled(2000))
})

t.test('the emulator\'s imagePath matching equals the verbatim pattern on generated strings', async (t) => {
  const verbatim = new RegExp(IMAGE_PATH_PATTERN)
  const base = { docker: { configType: 'default' } }
  await check(t, 'imagePath', fc.property(imagePathCandidate, (imagePath) =>
    emulatorAccepts({ external: { imagePath }, ...base }) === verbatim.test(imagePath)), scaled(20000))
})

t.test('the emulator\'s internal.id matching equals the verbatim pattern and length limits', async (t) => {
  const id = WIRE_SCHEMA.oneOf[1].properties.internal.properties.id
  const verbatim = new RegExp(id.pattern)
  await check(t, 'internal.id', fc.property(buildServiceIdCandidate, (s) => {
    const length = [...s].length // JSON Schema counts code points
    return emulatorAccepts({ internal: { id: s } }) === (verbatim.test(s) && length >= id.minLength && length <= id.maxLength)
  }), scaled(10000))
})

t.test('a disagreement is reported with its seed and shrunk to a small body', async (t) => {
  // A deliberately wrong referee (it forgets the docs' rules) must be caught, and the report must show
  // a minimal counterexample: proof that the harness above can fail.
  const wireOnly = (await import('../support/upstream.js')).plainAjv().compile(WIRE_SCHEMA)
  const details = fc.check(fc.property(candidateBody, (body) => emulatorAccepts(body) === (wireOnly(body) === true)),
    { seed: SEED, numRuns: 6000, verbose: 1 })
  t.ok(details.failed, 'the wrong referee disagrees somewhere')
  const first = JSON.stringify(details.failures[0])
  const counterexample = JSON.stringify(details.counterexample?.[0])
  t.ok(details.numShrinks > 0 && counterexample.length <= first.length, `${first} shrunk to ${counterexample}`)
  t.matchStrict(counterexample, /"configType":"(customEntrypoint|customCommand|customProcess|customEntrypointCustomCommand|originalEntrypointCustomCommand)"/,
    'the counterexample is a body that misses a conditionally required field')
  t.matchStrict(String(fc.defaultReportMessage(details)), new RegExp(`seed: ${SEED}`))
})
