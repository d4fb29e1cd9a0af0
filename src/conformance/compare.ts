/**
 * Whether the target's answer to a probe and the emulator's agree, by what the probe compares
 * (docs/conformance.md, "What agree means"): the status, the body's shape, some values, some headers.
 * Message texts are never compared.
 */
import type { Answer, Compare } from '../../schemas/conformance.js'
import { differences, shapeOf, type Shape } from './shape.js'

/** A body kept as text, or not kept, has the shape of text: nothing in it is looked into. */
function shapeOfAnswer (answer: Answer): Shape {
  return answer.text === undefined && answer.body !== undefined ? shapeOf(answer.body) : 'text'
}

/** The value a JSON pointer (RFC 6901) points at, or undefined. */
export function pointAt (value: unknown, pointer: string): unknown {
  let at = value
  for (const token of pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, token)) return undefined
    at = (at as Record<string, unknown>)[token]
  }
  return at
}

const shown = (value: unknown): string => value === undefined ? 'nothing' : JSON.stringify(value)

/** What differs, each in a line a person reads; none: they agree. */
export function compareAnswers (compare: Compare, target: Answer, emulator: Answer): string[] {
  const found: string[] = []
  const statusOf = compare.status === 'exact' ? (s: number) => String(s) : (s: number) => `${Math.floor(s / 100)}xx`
  if (statusOf(target.status) !== statusOf(emulator.status)) {
    found.push(`status: ${statusOf(target.status)} at the target, ${statusOf(emulator.status)} at the emulator`)
  }
  if (compare.body !== 'none') found.push(...differences(shapeOfAnswer(target), shapeOfAnswer(emulator), compare.body === 'covers'))
  for (const pointer of compare.values) {
    const [t, e] = [pointAt(target.body, pointer), pointAt(emulator.body, pointer)]
    if (JSON.stringify(t) !== JSON.stringify(e)) found.push(`${pointer}: ${shown(t)} at the target, ${shown(e)} at the emulator`)
  }
  for (const name of compare.headers) {
    const [t, e] = [target.headers[name] !== undefined, emulator.headers[name] !== undefined]
    if (t !== e) found.push(`header ${name}: ${t ? 'sent' : 'absent'} at the target, ${e ? 'sent' : 'absent'} at the emulator`)
  }
  return found
}
