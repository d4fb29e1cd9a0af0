/**
 * The `Prefer` request header that asks for a fault on one request (in the spirit of Prism's
 * `Prefer: code=…`; docs/faults-and-rollouts.md). Pure: src/routes/gateway.ts carries it out.
 */
import { Errors } from '../errors.js'
import { MAX_DELAY_MS } from './faults.js'

/** What a `Prefer` header asks of one request. */
export interface PreferFault {
  status?: number
  delayMs?: number
  drop?: boolean
}

/**
 * Reads the preferences this emulator knows from a `Prefer` header (RFC 7240: comma-separated
 * `name[=value]`, parameters after `;`, unknown ones ignored): `status=503` (or Prism's `code=503`),
 * `delay=200` (milliseconds), `drop`. A known preference with a bad value is a 400, as a typo in a test
 * should not pass silently. undefined: nothing asked.
 */
export function parsePrefer (header: string): PreferFault | undefined {
  let fault: PreferFault | undefined
  for (const item of header.split(',')) {
    const pref = item.split(';', 1)[0] as string
    const eq = pref.indexOf('=')
    const name = (eq === -1 ? pref : pref.slice(0, eq)).trim().toLowerCase()
    const value = eq === -1 ? undefined : pref.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
    if (name === 'status' || name === 'code') {
      fault = { ...fault, status: integerIn(name, value, 400, 599) }
    } else if (name === 'delay') {
      fault = { ...fault, delayMs: integerIn(name, value, 0, MAX_DELAY_MS) }
    } else if (name === 'drop') {
      if (value !== undefined && value !== 'true') throw Errors.badPrefer(`"drop" takes no value (got "${value}")`)
      fault = { ...fault, drop: true }
    }
  }
  if (fault?.status !== undefined && fault.drop === true) throw Errors.badPrefer('"status" and "drop" cannot be asked together')
  return fault
}

function integerIn (name: string, value: string | undefined, min: number, max: number): number {
  const n = value === undefined || !/^\d{1,6}$/.test(value) ? NaN : Number(value)
  if (!(n >= min && n <= max)) throw Errors.badPrefer(`"${name}" must be an integer from ${min} to ${max} (got ${value === undefined ? 'no value' : `"${value}"`})`)
  return n
}
