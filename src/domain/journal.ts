/**
 * The journal: the last N requests to the emulated API, in a fixed ring (WireMock's request journal, made
 * bounded). Appending is O(1) and copies nothing: an entry keeps references to what the request already
 * holds (headers, raw body text, serialized response) and is only shaped for reading (redacted, parsed) when
 * someone asks. No Fastify here.
 */
import type { JournalEntry } from '../../schemas/admin.js'

/** What the capture hook records: cheap references, shaped later by `view`. */
export interface Recorded {
  /** Monotonic across the emulator, so journals of several namespaces merge in order. */
  seq: number
  /** Epoch milliseconds, wall clock (not the emulator's clock: this is when the request really came). */
  at: number
  method: string
  url: string
  params: Record<string, string | undefined>
  headers: Record<string, string | string[] | undefined>
  /** The body as sent (text), when it was read. */
  body: string | undefined
  status: number
  /** The response body as sent (serialized). */
  response: string | undefined
  /** Milliseconds from the request's arrival to its response being sent. */
  duration: number
}

export class Journal {
  readonly capacity: number
  private readonly slots: Array<Recorded | undefined>
  /** Index of the oldest entry. */
  private head = 0
  private count = 0

  constructor (capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`journal capacity must be a whole number ≥ 0, not ${capacity}`)
    this.capacity = capacity
    // Grown on demand up to capacity, so a large N costs nothing until used.
    this.slots = []
  }

  get size (): number {
    return this.count
  }

  /** O(1): once full, the oldest entry is overwritten. A capacity of 0 records nothing. */
  append (entry: Recorded): void {
    if (this.capacity === 0) return
    if (this.count < this.capacity) {
      const i = (this.head + this.count) % this.capacity
      this.slots[i] = entry
      this.count++
    } else {
      this.slots[this.head] = entry
      this.head = (this.head + 1) % this.capacity
    }
  }

  /** Oldest first. */
  entries (): Recorded[] {
    const out = new Array<Recorded>(this.count)
    for (let k = 0; k < this.count; k++) out[k] = this.slots[(this.head + k) % this.capacity] as Recorded
    return out
  }

  /** Removes every entry, or those a predicate picks; returns how many went. */
  clear (which?: (entry: Recorded) => boolean): number {
    const before = this.count
    const kept = which === undefined ? [] : this.entries().filter((e) => !which(e))
    this.slots.length = 0
    this.head = 0
    this.count = 0
    for (const e of kept) this.append(e)
    return before - kept.length
  }
}

const REDACTED_BEARER = 'Bearer ***'

/** The entry as the admin API shows it: token redacted, bodies parsed when they are JSON. */
export function view (r: Recorded): JournalEntry {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(r.headers)) {
    if (value === undefined) continue
    headers[name] = name === 'authorization' ? redact(value as string) : value
  }
  const q = r.url.indexOf('?')
  const entry: JournalEntry = {
    seq: r.seq,
    time: new Date(r.at).toISOString(),
    method: r.method,
    path: q < 0 ? r.url : r.url.slice(0, q),
    query: q < 0 ? '' : r.url.slice(q + 1),
    params: definedOnly(r.params),
    headers,
    status: r.status,
    durationMs: Math.round(r.duration * 1000) / 1000
  }
  if (r.body !== undefined) entry.body = parseOrText(r.body)
  if (r.response !== undefined) entry.response = parseOrText(r.response)
  return entry
}

/** Keeps the scheme so a test can still see which kind of credential was sent. */
function redact (value: string): string {
  return /^bearer\s/i.test(value) ? REDACTED_BEARER : '***'
}

function definedOnly (params: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = v
  return out
}

function parseOrText (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export interface JournalFilter {
  method?: string
  status?: number
  project?: string
  service?: string
}

/** Whether a recorded request matches a journal filter (every given field must match). */
export function matches (r: Recorded, q: JournalFilter): boolean {
  if (q.method !== undefined && r.method !== q.method.toUpperCase()) return false
  if (q.status !== undefined && r.status !== q.status) return false
  if (q.project !== undefined && r.params.projectId !== q.project) return false
  if (q.service !== undefined && r.params.serviceId !== q.service) return false
  return true
}
