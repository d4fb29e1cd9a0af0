/**
 * The shape of a JSON answer, as conformance probes compare it (docs/conformance.md, "What agree means"):
 * its keys and JSON types, recursively, an array standing for the set of its elements' shapes. Values are
 * not part of a shape: two 404s agree when both carry the same keys with the same types, whatever their
 * messages say.
 */

export type Shape =
  | 'null' | 'boolean' | 'number' | 'string'
  /** A body that is not JSON. */
  | 'text'
  /** Nested deeper than MAX_DEPTH: not looked into. */
  | 'deep'
  | { array: Shape[] }
  /** Entries sorted by key (an array, not an object: a key may be `__proto__`). */
  | { object: Array<[string, Shape]> }

/** Deeper than any answer of the API; a bound on the work a hostile answer can cause. */
export const MAX_DEPTH = 32

/** One canonical text per shape, to compare shapes and deduplicate an array's elements. */
export function key (shape: Shape): string {
  return JSON.stringify(shape)
}

export function shapeOf (value: unknown, depth = 0): Shape {
  if (value === null) return 'null'
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return typeof value as Shape
  if (depth >= MAX_DEPTH) return 'deep'
  if (Array.isArray(value)) {
    const elements = new Map<string, Shape>()
    for (const element of value) {
      const shape = shapeOf(element, depth + 1)
      elements.set(key(shape), shape)
    }
    return { array: [...elements.entries()].sort(([a], [b]) => a < b ? -1 : 1).map(([, shape]) => shape) }
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]): [string, Shape] => [k, shapeOf(v, depth + 1)])
  return { object: entries.sort(([a], [b]) => a < b ? -1 : 1) }
}

/** How a difference names a shape. */
export function describe (shape: Shape): string {
  if (typeof shape === 'string') return shape === 'text' ? 'text (not JSON)' : shape === 'deep' ? 'too deep to compare' : shape
  if ('array' in shape) return 'an array'
  return 'an object'
}

function child (path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`
}

/**
 * The differences between the target's shape and the emulator's, each naming where. `covers`: only what
 * the emulator answers and the target lacks (or types otherwise) counts; keys the target has beyond it do
 * not. Either way an empty array agrees with any array: it has no element whose shape could differ.
 */
export function differences (target: Shape, emulator: Shape, covers: boolean, path = 'body'): string[] {
  if (key(target) === key(emulator)) return []
  if (typeof target === 'string' || typeof emulator === 'string' || ('array' in target) !== ('array' in emulator)) {
    return [`${path}: ${describe(target)} at the target, ${describe(emulator)} at the emulator`]
  }
  if ('array' in target && 'array' in emulator) return arrayDifferences(target.array, emulator.array, covers, path)
  const targetKeys = new Map((target as { object: Array<[string, Shape]> }).object)
  const emulatorKeys = new Map((emulator as { object: Array<[string, Shape]> }).object)
  const found: string[] = []
  for (const [name, shape] of emulatorKeys) {
    const there = targetKeys.get(name)
    if (there === undefined) found.push(`${child(path, name)}: missing at the target, ${describe(shape)} at the emulator`)
    else found.push(...differences(there, shape, covers, child(path, name)))
  }
  if (!covers) {
    for (const [name, shape] of targetKeys) {
      if (!emulatorKeys.has(name)) found.push(`${child(path, name)}: ${describe(shape)} at the target, missing at the emulator`)
    }
  }
  return found
}

function arrayDifferences (target: Shape[], emulator: Shape[], covers: boolean, path: string): string[] {
  if (target.length === 0 || emulator.length === 0) return []
  const at = `${path}[]`
  // One kind of element on each side, the usual case: say where inside it they differ.
  if (target.length === 1 && emulator.length === 1) return differences(target[0] as Shape, emulator[0] as Shape, covers, at)
  const uncovered = emulator.filter((e) => !target.some((t) => differences(t, e, covers, at).length === 0))
  const extra = covers ? [] : target.filter((t) => !emulator.some((e) => differences(t, e, covers, at).length === 0))
  if (uncovered.length === 0 && extra.length === 0) return []
  return [`${at}: elements of ${target.length} shapes at the target and ${emulator.length} at the emulator, ` +
    `${uncovered.length} of the emulator's not at the target` + (covers ? '' : `, ${extra.length} of the target's not at the emulator`)]
}

/** Whether a JSON value nests deeper than `max` arrays and objects (checked to `max` levels only). */
export function deeperThan (value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (max === 0) return true
  return Object.values(value).some((v) => deeperThan(v, max - 1))
}
