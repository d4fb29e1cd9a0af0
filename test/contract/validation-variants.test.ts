import { isDeepStrictEqual } from 'node:util'
import t from 'tap'
import fc from 'fast-check'
import type { ValidateFunction } from 'ajv'
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js'
import { UpdateDeploymentBodySchema, variantOf } from '../../schemas/deployment.js'
import type { ValidationProblem } from '../../schemas/error.js'
import { ApiError } from '../../src/errors.js'
import { compile } from '../../src/ajv.js'
import { problemsOf } from '../../src/problems.js'
import { validatorCompiler } from '../../src/validation.js'

const seed = Number(process.env.FUZZ_SEED ?? 20261129)

// Bodies made of the schema's own words, so that most of them come close to valid.
const KEYS = ['external', 'internal', 'docker', 'buildpack', 'imagePath', 'credentials', 'id', 'branch', 'buildSHA',
  'buildId', 'configType', 'customEntrypoint', 'customCommand', 'customProcess', 'bogus']
const STRINGS = ['nginx:latest', 'ghcr.io/org/app@sha256:abc', 'not an image', 'example-credentials', 'bad creds!',
  'example-build-service', 'a--b', 'master', 'latest', '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f', 'default',
  'customEntrypoint', 'customCommand', 'customProcess', 'customEntrypointCustomCommand', 'originalEntrypointCustomCommand', '']
const { body } = fc.letrec((tie) => ({
  body: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
    tie('value')),
  value: fc.oneof({ depthSize: 'small' },
    fc.constantFrom(...STRINGS), fc.integer(), fc.constant(null), fc.boolean(),
    fc.array(tie('value'), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }))
}))

t.test('checking a body against the variant it names accepts and reports exactly as the whole oneOf does', async (t) => {
  t.comment(`seed ${seed} (FUZZ_SEED to change)`)
  const whole = compile(UpdateDeploymentBodySchema)
  const check = validatorCompiler({ schema: UpdateDeploymentBodySchema, httpPart: 'body', method: 'POST', url: '/' } as FastifyRouteSchemaDef<object>)
  let valid = 0
  fc.assert(fc.property(body, (data) => {
    const accepted = whole(data)
    const result = check(data) as { value?: unknown, error?: ApiError }
    if (accepted) {
      valid++
      return result.error === undefined
    }
    // The oneOf's own report, narrowed to the branch the body means: what the emulator reported before.
    const prefix = `#/oneOf/${variantOf(data)}/`
    const narrowed = { errors: (whole.errors ?? []).filter((e) => e.schemaPath.startsWith(prefix)) } as unknown as ValidateFunction
    const expected = problemsOf(narrowed, data, 'body')
    const got = (result.error?.details.errors ?? []) as ValidationProblem[]
    return result.error instanceof ApiError && got.length > 0 && isDeepStrictEqual(got, expected)
  }), { seed, numRuns: 3000 })
  t.pass('3000 bodies: same verdict, same problems')
  t.ok(valid > 100, `${valid} of the generated bodies were valid`)
})
