import t, { type Test } from 'tap'
import { CREDENTIALS_PATTERN, IMAGE_PATH_PATTERN } from '../../schemas/patterns.js'
import { build, DEPLOYMENT_URL, post, readBack } from '../support/helper.js'

/** The body as the emulator judges it: status and, for a 400, the problems. */
async function verdict (t: Test, body: unknown) {
  const app = await build(t)
  const before = await readBack(app)
  const res = await post(app, DEPLOYMENT_URL, body)
  if (res.statusCode !== 200) t.strictSame(await readBack(app), before, 'a rejected body changes nothing')
  return { status: res.statusCode, json: res.json() }
}

t.test('accepts every valid shape of the three variants', async (t) => {
  const valid: unknown[] = [
    {},
    { external: { imagePath: 'nginx:latest' } },
    { external: { imagePath: 'nginx:latest', credentials: 'my-creds-1' }, docker: { configType: 'default' } },
    { internal: {} },
    { internal: { buildSHA: 'latest' } },
    { internal: { id: 'example-build-service', buildSHA: '6f3a0e1c5b2d4f7a8e9c0b1d2e3f4a5b6c7d8e9f' } },
    { internal: { id: 'example-build-service', branch: 'master' }, buildpack: { configType: 'default' }, docker: { configType: 'default' } },
    { docker: { configType: 'default' } },
    { buildpack: { configType: 'customProcess', customProcess: 'web' } },
    { docker: { configType: 'customEntrypoint', customEntrypoint: '/bin/sh' } },
    { docker: { configType: 'customCommand', customCommand: 'npm start' } },
    { docker: { configType: 'customEntrypointCustomCommand', customEntrypoint: '/bin/sh', customCommand: '-c x' } },
    { buildpack: { configType: 'customCommand', customCommand: 'x' } },
    { buildpack: { configType: 'customEntrypointCustomCommand', customEntrypoint: 'e', customCommand: 'c' } },
    { buildpack: { configType: 'originalEntrypointCustomCommand', customCommand: 'c' } },
    // Fields the configType does not need are allowed, as the wire schema allows them.
    { docker: { configType: 'default', customCommand: 'ignored' } }
  ]
  for (const body of valid) {
    // {"internal":{}} on an external service needs an id (see deployment tests); start from internal.
    const app = await build(t)
    await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service' } })
    const res = await post(app, DEPLOYMENT_URL, body)
    t.equal(res.statusCode, 200, JSON.stringify(body))
  }
})

t.test('external.imagePath: accepts and rejects the documented examples and edge cases as the wire pattern does', async (t) => {
  const accepted = [
    'nginx:latest', 'library/nginx:1.25', 'ghcr.io/org/app:1.0.0', 'docker.io/library/nginx@sha256:abc',
    'https://registry.example.com/v1/foo:bar', 'registry.example.com:5000/foo:bar', 'http://a.b/c@d', 'a:b', '/a:b', 'a@b:c'
  ]
  const rejected = ['nginx', 'nginx:', 'a b:c', ':tag', 'nginx@', 'ngin!x:1', 'https://nohost/x@y', 'a:b@c', '']
  for (const imagePath of accepted) {
    const v = await verdict(t, { external: { imagePath } })
    t.equal(v.status, 200, `accepts ${imagePath}`)
  }
  for (const imagePath of rejected) {
    const v = await verdict(t, { external: { imagePath } })
    t.equal(v.status, 400, `rejects ${JSON.stringify(imagePath)}`)
    t.equal(v.json.error.message, 'body.external.imagePath must be an image with a :tag or @digest, e.g. nginx:latest, ghcr.io/org/app:1.0 or repo/app@sha256:…', 'the words, not the regex')
    t.matchStrict(v.json.error.message, /^body\.external\.imagePath must be an image with a :tag or @digest, e\.g\. nginx:latest/)
    t.strictSame(v.json.error.details.errors, [{
      path: 'body.external.imagePath',
      rule: 'pattern',
      expected: IMAGE_PATH_PATTERN,
      message: v.json.error.message
    }])
  }
})

t.test('external.credentials: letters, digits and dashes only', async (t) => {
  t.equal((await verdict(t, { external: { imagePath: 'a:b', credentials: 'Ab-9' } })).status, 200)
  for (const credentials of ['', 'a_b', 'a b', 'é']) {
    const v = await verdict(t, { external: { imagePath: 'a:b', credentials } })
    t.equal(v.status, 400, JSON.stringify(credentials))
    t.equal(v.json.error.message, 'body.external.credentials must be letters, digits and dashes only')
    t.strictSame(v.json.error.details.errors[0].expected, CREDENTIALS_PATTERN, 'the pattern itself is in details')
  }
})

t.test('internal.id: pattern and 3..54 characters', async (t) => {
  const ok = ['abc', 'a-b', 'a1-b2-c3', 'A'.repeat(54)]
  const bad: Array<[string, string]> = [['ab', 'minLength'], ['a'.repeat(55), 'maxLength'], ['1ab', 'pattern'], ['ab-', 'pattern'], ['a--b', 'pattern'], ['a_b', 'pattern']]
  for (const id of ok) {
    const v = await verdict(t, { internal: { id } })
    // Valid on the wire; the emulator then looks the build service up (404 when there is none).
    t.not(v.status, 400, id)
  }
  for (const [id, rule] of bad) {
    const v = await verdict(t, { internal: { id } })
    t.equal(v.status, 400, id)
    t.ok(v.json.error.details.errors.some((p: { rule: string }) => p.rule === rule), `${id} breaks ${rule}`)
  }
})

t.test('internal.buildSHA: 40 characters or "latest", at 39, 40 and 41', async (t) => {
  const app = await build(t)
  const sha = (n: number) => 'b'.repeat(n)
  for (const [value, status] of [[sha(39), 400], [sha(41), 400], ['', 400], ['LATEST', 400], ['abc', 400]] as const) {
    const res = await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service', buildSHA: value } })
    t.equal(res.statusCode, status, `${value.length} characters`)
    t.equal(res.json().error.message, 'body.internal.buildSHA must be a string of exactly 40 characters or "latest"')
    t.strictSame(res.json().error.details.errors.map((p: { rule: string }) => p.rule), ['oneOf'])
  }
  // 40 characters pass the schema (no hex check upstream); this one was never built, hence 404, not 400.
  const res = await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service', buildSHA: sha(40) } })
  t.equal(res.statusCode, 404)
  t.equal((await post(app, DEPLOYMENT_URL, { internal: { id: 'example-build-service', buildSHA: 'latest' } })).statusCode, 200)
  const wrongType = await post(app, DEPLOYMENT_URL, { internal: { buildSHA: 40 } })
  t.equal(wrongType.statusCode, 400)
  t.equal(wrongType.json().error.details.errors[0].rule, 'oneOf')
})

t.test('each conditional field is required for its configTypes, with a message that says when', async (t) => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['docker', { configType: 'customEntrypoint' }, ['customEntrypoint']],
    ['docker', { configType: 'customCommand' }, ['customCommand']],
    ['docker', { configType: 'customEntrypointCustomCommand' }, ['customEntrypoint', 'customCommand']],
    ['buildpack', { configType: 'customProcess' }, ['customProcess']],
    ['buildpack', { configType: 'customCommand' }, ['customCommand']],
    ['buildpack', { configType: 'customEntrypointCustomCommand' }, ['customEntrypoint', 'customCommand']],
    ['buildpack', { configType: 'originalEntrypointCustomCommand' }, ['customCommand']]
  ]
  for (const [block, config, missing] of cases) {
    const v = await verdict(t, { [block]: config })
    t.equal(v.status, 400, `${block} ${config.configType}`)
    t.strictSame(
      v.json.error.details.errors.map((p: { message: string }) => p.message),
      missing.map((f) => `body.${block}.${f} is required when configType is ${config.configType}`)
    )
  }
  const v = await verdict(t, { docker: {} })
  t.equal(v.json.error.message, 'body.docker.configType is required', 'no configType: one problem, not the if/then noise')
})

t.test('unknown keys are refused at every level', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ foo: 1 }, 'body.foo'],
    [{ docker: { configType: 'default' }, bogus: 1 }, 'body.bogus'],
    [{ external: { imagePath: 'a:b', tag: 'x' } }, 'body.external.tag'],
    [{ external: { imagePath: 'a:b' }, buildpack: { configType: 'default' } }, 'body.buildpack'],
    [{ internal: { ref: 'x' } }, 'body.internal.ref'],
    [{ internal: {}, extra: true }, 'body.extra'],
    [{ docker: { configType: 'default', cmd: 'x' } }, 'body.docker.cmd'],
    [{ buildpack: { configType: 'default', 'odd key': 1 } }, 'body.buildpack["odd key"]']
  ]
  for (const [body, path] of cases) {
    const v = await verdict(t, body)
    t.equal(v.status, 400, JSON.stringify(body))
    t.strictSame(v.json.error.details.errors.map((p: { path: string }) => p.path), [path])
    t.matchStrict(v.json.error.message, `${path} is not allowed; allowed here: `)
  }
})

t.test('a misspelled key is answered with the key it is near: did you mean …?', async (t) => {
  const cases: Array<[unknown, string[]]> = [
    // Checked as the unchanged variant (no external), yet the near match comes from every variant, and so does
    // the list: it holds what "did you mean" names.
    [{ extrenal: { imagePath: 'nginx:latest' } }, ['body.extrenal is not allowed (did you mean external?); allowed here: buildpack, docker, external, internal']],
    [{ Internal: {} }, ['body.Internal is not allowed (did you mean internal?); allowed here: buildpack, docker, external, internal']],
    [{ docker: { configType: 'default' }, bildpack: { configType: 'default' } }, ['body.bildpack is not allowed (did you mean buildpack?); allowed here: buildpack, docker']],
    [{ external: { imagepath: 'nginx:latest' } }, [
      'body.external.imagePath is required',
      'body.external.imagepath is not allowed (did you mean imagePath?); allowed here: imagePath, credentials'
    ]],
    [{ internal: { id: 'abc', buildSha: 'latest' } }, ['body.internal.buildSha is not allowed (did you mean buildSHA?); allowed here: id, branch, buildSHA, buildId']],
    [{ docker: { configType: 'customCommand', customComand: 'x' } }, [
      'body.docker.customCommand is required when configType is customCommand',
      'body.docker.customComand is not allowed (did you mean customCommand?); allowed here: configType, customEntrypoint, customCommand'
    ]],
    [{ bogus: 1 }, ['body.bogus is not allowed; allowed here: buildpack, docker']]
  ]
  for (const [body, messages] of cases) {
    const v = await verdict(t, body)
    t.equal(v.status, 400, JSON.stringify(body))
    t.strictSame(v.json.error.details.errors.map((p: { message: string }) => p.message), messages)
  }
})

t.test('a body with external and internal is refused as exactly that', async (t) => {
  const v = await verdict(t, { external: { imagePath: 'a:b' }, internal: {} })
  t.equal(v.status, 400)
  t.equal(v.json.error.message, 'body.internal is not allowed (a body has external or internal, not both); allowed here: external, docker')
})

t.test('wrong types are named with the type expected', async (t) => {
  const cases: Array<[unknown, string]> = [
    [[], 'body must be an object'],
    ['"text"', 'body must be an object'],
    [1, 'body must be an object'],
    [null, 'body must be an object'],
    [{ external: 'nginx:latest' }, 'body.external must be an object'],
    [{ external: { imagePath: 42 } }, 'body.external.imagePath must be a string'],
    [{ docker: { configType: 1 } }, 'body.docker.configType must be a string; ' +
      'body.docker.configType must be one of: default, customEntrypoint, customCommand, customEntrypointCustomCommand'],
    [{ internal: { branch: true } }, 'body.internal.branch must be a string'],
    [{ docker: { configType: 'default', customCommand: ['a'] } }, 'body.docker.customCommand must be a string']
  ]
  for (const [body, message] of cases) {
    const v = await verdict(t, typeof body === 'string' ? body : JSON.stringify(body))
    t.equal(v.status, 400, JSON.stringify(body))
    t.equal(v.json.error.message, message)
  }
})

t.test('no coercion, no defaults: "1" is not 1, and an absent field stays absent', async (t) => {
  t.equal((await verdict(t, { docker: { configType: 'default', customCommand: 1 } })).status, 400)
  const app = await build(t)
  await post(app, DEPLOYMENT_URL, { docker: { configType: 'default' } })
  t.strictSame((await readBack(app)).docker, { configType: 'default' }, 'nothing filled in')
})

t.test('the body that clearly means a variant gets only that variant\'s problems', async (t) => {
  const v = await verdict(t, { external: { imagePath: 'nginx' }, docker: { configType: 'nope' } })
  t.strictSame(v.json.error.details.errors.map((p: { path: string, rule: string }) => `${p.path} ${p.rule}`), [
    'body.external.imagePath pattern',
    'body.docker.configType enum'
  ])
  t.strictSame(v.json.error.details.errors[1].expected, ['default', 'customEntrypoint', 'customCommand', 'customEntrypointCustomCommand'])
  const i = await verdict(t, { internal: { id: '1' } })
  t.strictSame(i.json.error.details.errors.map((p: { path: string, rule: string }) => `${p.path} ${p.rule}`).sort(), [
    'body.internal.id minLength',
    'body.internal.id pattern'
  ], 'one field breaking two rules: both, and nothing from the other variants')
})

t.test('details lists every problem; the message spells out five and counts the rest', async (t) => {
  const body: Record<string, number> = {}
  for (let i = 0; i < 8; i++) body[`k${i}`] = i
  const v = await verdict(t, body)
  t.equal(v.json.error.details.errors.length, 8)
  t.matchStrict(v.json.error.message, /^body\.k0 is not allowed.*; and 3 more \(see details\.errors\)$/)
})
