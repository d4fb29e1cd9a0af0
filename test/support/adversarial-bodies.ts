/**
 * Request bodies built to be slow to check: each is JSON text of about `size` bytes, shaped to make a
 * backtracking regex, the parser, the validator or the error report work as hard as it can. Shared by
 * test/robustness/adversarial.test.ts and the benchmark (test/bench/bench.ts), which reports the worst.
 */

export interface AdversarialBody {
  name: string
  text: string
}

/** A JSON body whose text is about `size` bytes: `wrap(filler)` with the filler repeated to fit. */
function fit (size: number, wrap: (fill: string) => unknown, unit: string, tail = ''): string {
  const overhead = Buffer.byteLength(JSON.stringify(wrap(tail)))
  const n = Math.max(0, Math.floor((size - overhead) / Buffer.byteLength(JSON.stringify(unit).slice(1, -1))))
  return JSON.stringify(wrap(unit.repeat(n) + tail))
}

/** An object of `count` members, named by `key(i)`, each `value`, as JSON text of about `size` bytes. */
function manyKeys (size: number, key: (i: number) => string, value: string, wrap: (members: string) => string): string {
  const members: string[] = []
  let length = wrap('').length
  for (let i = 0; ; i++) {
    const member = `${JSON.stringify(key(i))}:${value}`
    if (length + member.length + 1 > size) break
    members.push(member)
    length += member.length + 1
  }
  return wrap(members.join(','))
}

export function adversarialBodies (size: number): AdversarialBody[] {
  const external = (imagePath: string) => ({ external: { imagePath } })
  return [
    // Backtracking bait for the verbatim imagePath pattern: long runs of its character classes, then a
    // character that makes the whole match fail at the very end.
    { name: 'imagePath a…a!', text: fit(size, external, 'a', '!') },
    { name: 'imagePath https://a.a…a@', text: fit(size, (s) => external(`https://a.${s}`), 'a', '@') },
    { name: 'imagePath a.a.….a@', text: fit(size, external, 'a.', '@') },
    { name: 'imagePath /…/ segments', text: fit(size, external, 'a/', '!') },
    { name: 'imagePath a-a-…:x!', text: fit(size, (s) => external(`a.${s}`), 'a-', ':x!') },
    { name: 'imagePath valid, huge tag', text: fit(size, (s) => external(`nginx:${s}`), 'a') },
    { name: 'imagePath non-ASCII', text: fit(size, external, 'é', ':') },
    { name: 'credentials a…a!', text: fit(size, (s) => ({ external: { imagePath: 'nginx:latest', credentials: s } }), 'a', '!') },
    { name: 'internal.id a-a-…-!', text: fit(size, (s) => ({ internal: { id: `a${s}` } }), '-a', '-!') },
    { name: 'internal.id a…a', text: fit(size, (s) => ({ internal: { id: s } }), 'a') },
    {
      name: 'long strings in every field',
      text: (() => {
        const fields = ['imagePath', 'credentials', 'configType', 'customEntrypoint', 'customCommand']
        const n = Math.floor(size / (fields.length + 1)) - 40
        const s = 'a'.repeat(n)
        return JSON.stringify({ external: { imagePath: `${s}!`, credentials: `${s}!` }, docker: { configType: s, customEntrypoint: s, customCommand: s } })
      })()
    },
    { name: 'thousands of unknown top-level keys', text: manyKeys(size, (i) => `k${i}`, '0', (m) => `{${m}}`) },
    {
      name: 'thousands of unknown keys in docker',
      text: manyKeys(size, (i) => `k${i}`, '0', (m) => `{"docker":{"configType":"default",${m}}}`)
    },
    {
      name: 'thousands of unknown keys in external',
      text: manyKeys(size, (i) => `k${i}`, '0', (m) => `{"external":{"imagePath":"nginx:latest",${m}}}`)
    },
    { name: 'one huge unknown key', text: fit(size, (s) => ({ [`k${s}`]: 0 }), 'a') },
    { name: 'deeply nested arrays', text: (() => { const d = Math.floor((size - 20) / 2); return `{"x":${'['.repeat(d)}${']'.repeat(d)}}` })() },
    { name: 'deeply nested objects', text: (() => { const d = Math.floor((size - 20) / 7); return `{"x":${'{"a":'.repeat(d)}0${'}'.repeat(d)}}` })() },
    { name: 'wide array of objects', text: `{"docker":[${new Array(Math.floor((size - 20) / 3)).fill('{}').join(',')}]}` },
    { name: 'string of escapes', text: fit(size, external, '\u0000') }
  ]
}
