import secureJson from 'secure-json-parse'
import { Errors } from './errors.js'

const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const

/**
 * The JSON body parser: Fastify's own (secure-json-parse, refusing `__proto__` and
 * `constructor.prototype`), but saying which of empty, malformed or poisoned the body was, where
 * Fastify answers all three with one message.
 */
export function parseJson (_request: unknown, text: string, done: (err: Error | null, value?: unknown) => void): void {
  if (text.length === 0) return done(Errors.emptyBody())
  let value: unknown
  try {
    value = secureJson.parse(text, undefined, PARSE_OPTIONS)
  } catch (err) {
    const message = (err as Error).message
    return done(/forbidden (prototype|constructor) property/.test(message) ? Errors.forbiddenKey() : Errors.malformedJson(message))
  }
  done(null, value)
}
