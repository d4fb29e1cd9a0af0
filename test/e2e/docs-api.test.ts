// docs/testing.md lists every option of startMock and every method of the admin client, as the package's
// types declare them: read with the TypeScript compiler from src/index.ts, the declarations users get.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import ts from 'typescript'
import { buildApp } from '../../src/index.js'
import { CALLS, type Method } from '../support/admin-calls.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const INDEX = join(ROOT, 'src', 'index.ts')
const DOC = readFileSync(join(ROOT, 'docs', 'testing.md'), 'utf8')

/** The properties of the types `names` that src/index.ts exports, with whether each is a function. */
function exportedTypes (...names: string[]): Record<string, Array<{ name: string, callable: boolean }>> {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true
  })
  const checker = program.getTypeChecker()
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX) as ts.SourceFile) as ts.Symbol
  const exported = checker.getExportsOfModule(module)
  return Object.fromEntries(names.map((name) => {
    let symbol = exported.find((s) => s.name === name)
    if (symbol === undefined) throw new Error(`src/index.ts exports no ${name}`)
    if ((symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = checker.getAliasedSymbol(symbol)
    const type = checker.getDeclaredTypeOfSymbol(symbol)
    return [name, checker.getPropertiesOfType(type).map((p) => ({
      name: p.name,
      callable: checker.getNonNullableType(checker.getTypeOfSymbol(p)).getCallSignatures().length > 0
    }))]
  }))
}

/** The rows of the Markdown table whose header row is `header`, as their cells. */
function table (header: string): string[][] {
  const lines = DOC.split('\n')
  const start = lines.indexOf(header)
  if (start === -1) return []
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()))
  }
  return rows
}

const types = exportedTypes('StartOptions', 'AdminClient')

t.test('docs/testing.md lists every startMock option, and only those', async (t) => {
  const documented = table('| Option | Default | |').map(([name]) => /^`(\w+)`$/.exec(name as string)?.[1] ?? `unreadable: ${name}`)
  const declared = (types.StartOptions ?? []).map((p) => p.name)
  t.ok(declared.includes('behaviour') && declared.includes('port'), 'the options are read from the types')
  t.strictSame([...documented].sort(), [...declared].sort(), 'the same options')
  t.strictSame(documented.filter((name, i) => documented.indexOf(name) !== i), [], 'each once')
})

t.test('docs/testing.md lists every admin client method with the route it calls', async (t) => {
  const rows = table('| Method | Route | |')
  const documented = rows.map(([method]) => /^`(\w+)\(/.exec(method as string)?.[1] ?? `unreadable: ${method}`)
  const declared = (types.AdminClient ?? []).filter((p) => p.callable).map((p) => p.name)
  t.ok(declared.includes('setRollout') && !declared.includes('url'), 'the methods are read from the types')
  t.strictSame([...documented].sort(), [...declared].sort(), 'the same methods')
  t.strictSame(documented.filter((name, i) => documented.indexOf(name) !== i), [], 'each once')

  const app = await buildApp()
  t.teardown(() => app.close())
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, { operationId: string }>> }
  const routes = new Map(Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([verb, op]) => [op.operationId, `\`${verb.toUpperCase()} ${path}\``] as const)))
  for (const [name, route] of rows.map(([method, route]) => [/^`(\w+)\(/.exec(method as string)?.[1], route])) {
    const operation = CALLS[name as Method]?.operation
    t.equal(route, routes.get(operation as string), `${name}: the route it calls (${operation})`)
  }
})
