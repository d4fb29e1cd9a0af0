/**
 * The journal: the last requests to the emulated API (WireMock's request journal, made bounded). Each
 * namespace has a journal of at most `capacity` entries; all journals share one budget of bytes. Past its
 * capacity a journal drops its own oldest entry; past the budget, the journal holding the most bytes drops
 * its oldest, so no namespace can push another's entries out: a journal loses entries to the budget only
 * while it holds more than any other. Each journal counts how many went (`dropped`), so a test can tell a
 * complete journal from a truncated one (docs/control-plane.md, "The journal").
 *
 * Appending copies nothing: an entry keeps references to what the request already holds (headers, raw
 * body text, serialized response) and is only shaped for reading (redacted, parsed) when someone asks.
 * Entries sit on two linked lists, their journal's and the store's (every journal, in arrival order), so
 * unlinking one is O(1) and an unscoped read needs no sort. The journals holding entries sit in a max-heap
 * by bytes, so finding the largest is O(1) and an append or an eviction re-sorts it in O(log n) for n
 * journals holding entries. No Fastify here.
 */
import type { JournalEntry } from '../../schemas/admin.js'

/** What the capture hook records: cheap references, shaped later by `view`. */
export interface Recorded {
  /** Monotonic across the emulator, so journals of several namespaces merge in order. */
  seq: number
  /** Epoch milliseconds, wall clock (when the request really came, whatever the emulator's clock says). */
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
  /** The header lines' length as received, when the capture knows it (cheaper than walking `headers`). */
  headerBytes?: number
}

/**
 * What an entry is counted as against the byte budget: the texts it keeps (URL, header names and values,
 * request and response bodies) in UTF-8 bytes, as they travel, plus this for the objects around them.
 */
export const ENTRY_OVERHEAD_BYTES = 512

export function entryBytes (r: Recorded): number {
  let bytes = ENTRY_OVERHEAD_BYTES + utf8Bytes(r.url) + (r.body === undefined ? 0 : utf8Bytes(r.body)) +
    (r.response === undefined ? 0 : utf8Bytes(r.response))
  if (r.headerBytes !== undefined) return bytes + r.headerBytes
  // Node decodes header lines as latin1, one character per byte received, so `.length` is their size in
  // bytes already. A repeated header is an array: String() joins it, close enough for a budget.
  const headers = r.headers
  for (const name in headers) bytes += name.length + String(headers[name]).length
  return bytes
}

/** `.length` counts UTF-16 code units: '€' is one, and three bytes. */
function utf8Bytes (text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

interface Node {
  readonly r: Recorded
  readonly bytes: number
  readonly journal: Journal
  /** Within its journal. */
  prev: Node | undefined
  next: Node | undefined
  /** Within the store. */
  older: Node | undefined
  newer: Node | undefined
}

/** Told of each entry as it is appended (verify's waiters, the journal stream). */
export type JournalListener = (entry: Recorded, journal: Journal) => void

/** Every journal's entries, under one budget of bytes. */
export class JournalStore {
  /** Bytes counted for the entries held now. */
  private used = 0
  private oldest: Node | undefined
  private newest: Node | undefined
  /**
   * The journals holding entries, as a binary max-heap by bytes held (each journal knows its slot). An
   * empty journal leaves it, so a journal cleared and then forgotten (a namespace dropped) leaves nothing
   * behind here.
   */
  private readonly heap: Journal[] = []
  private readonly listeners = new Set<JournalListener>()

  /**
   * `capacity`: entries each journal keeps (0 turns journaling off); `budget`: bytes all journals keep
   * together (a single entry larger than the budget is dropped at once, and counted as dropped).
   */
  constructor (readonly capacity: number, readonly budget: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`journal capacity must be a whole number ≥ 0, not ${capacity}`)
    if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`journal budget must be a whole number of bytes ≥ 0, not ${budget}`)
  }

  /** A new, empty journal under this store's bounds, for the namespace of `token`. */
  journal (token?: string): Journal {
    return new Journal(this, token)
  }

  /**
   * Calls `listener` with each entry appended from now on, in order, until the returned function is
   * called. Appending costs nothing more while no one listens.
   */
  subscribe (listener: JournalListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  get bytes (): number {
    return this.used
  }

  /** Every journal's entries, oldest first. */
  entries (): Recorded[] {
    const out: Recorded[] = []
    for (let n = this.oldest; n !== undefined; n = n.newer) out.push(n.r)
    return out
  }

  /** @internal Journal.append */
  add (journal: Journal, r: Recorded): void {
    if (this.capacity === 0) return
    const bytes = entryBytes(r)
    if (bytes > this.budget) {
      // It would be the largest journal's alone: dropping it now spares the journal's older entries.
      journal.dropped++
    } else {
      const node: Node = { r, bytes, journal, prev: journal.newest, next: undefined, older: this.newest, newer: undefined }
      if (journal.newest === undefined) journal.oldest = node
      else journal.newest.next = node
      journal.newest = node
      journal.count++
      journal.bytes += bytes
      if (this.newest === undefined) this.oldest = node
      else this.newest.newer = node
      this.newest = node
      this.used += bytes
      if (journal.count > this.capacity) this.evict(journal.oldest as Node)
      // One re-sort for both changes; the journal holds at least the new entry, so it stays in the heap.
      this.place(journal)
      while (this.used > this.budget) {
        const largest = this.heap[0] as Journal
        this.evict(largest.oldest as Node)
        this.place(largest)
      }
    }
    if (this.listeners.size !== 0) for (const listener of this.listeners) listener(r, journal)
  }

  private evict (node: Node): void {
    this.unlink(node)
    node.journal.dropped++
  }

  /**
   * @internal Unlinks an entry from its journal and from the store. The journal's place in the heap is
   * left to `place`, called once after a batch.
   */
  unlink (node: Node): void {
    const journal = node.journal
    if (node.prev === undefined) journal.oldest = node.next
    else node.prev.next = node.next
    if (node.next === undefined) journal.newest = node.prev
    else node.next.prev = node.prev
    journal.count--
    journal.bytes -= node.bytes
    if (node.older === undefined) this.oldest = node.newer
    else node.older.newer = node.newer
    if (node.newer === undefined) this.newest = node.older
    else node.newer.older = node.older
    this.used -= node.bytes
  }

  /** @internal Puts a journal whose bytes changed back in its place in the heap; out of it when empty. */
  place (journal: Journal): void {
    const heap = this.heap
    if (journal.count === 0) {
      // It held entries until now, so it is in the heap.
      const last = heap.pop() as Journal
      if (last !== journal) {
        heap[journal.slot] = last
        last.slot = journal.slot
        this.siftDown(this.siftUp(last.slot))
      }
      journal.slot = -1
      return
    }
    if (journal.slot < 0) {
      journal.slot = heap.length
      heap.push(journal)
    }
    this.siftDown(this.siftUp(journal.slot))
  }

  /** Moves the journal at `i` up past smaller parents; returns where it ends. */
  private siftUp (i: number): number {
    const heap = this.heap
    const journal = heap[i] as Journal
    while (i > 0) {
      const up = (i - 1) >> 1
      const parent = heap[up] as Journal
      if (parent.bytes >= journal.bytes) break
      heap[i] = parent
      parent.slot = i
      i = up
    }
    heap[i] = journal
    journal.slot = i
    return i
  }

  /** Moves the journal at `i` down past larger children. */
  private siftDown (i: number): void {
    const heap = this.heap
    const n = heap.length
    const journal = heap[i] as Journal
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      const right = child + 1
      if (right < n && (heap[right] as Journal).bytes > (heap[child] as Journal).bytes) child = right
      const larger = heap[child] as Journal
      if (larger.bytes <= journal.bytes) break
      heap[i] = larger
      larger.slot = i
      i = child
    }
    heap[i] = journal
    journal.slot = i
  }
}

/** One namespace's journal. */
export class Journal {
  /** @internal */ oldest: Node | undefined
  /** @internal */ newest: Node | undefined
  /** @internal */ count = 0
  /** @internal Bytes counted for this journal's entries. */
  bytes = 0
  /** @internal Its index in the store's heap; -1 while it holds nothing (and is not in the heap). */
  slot = -1
  /** Entries evicted (past the capacity or the byte budget) since the journal was created or cleared. */
  dropped = 0

  /** `token`: the API token of the namespace it belongs to; undefined for the default namespace. */
  constructor (private readonly store: JournalStore, readonly token?: string) {}

  get size (): number {
    return this.count
  }

  /** O(log n) for n journals holding entries; the oldest entries go when a bound is passed. */
  append (r: Recorded): void {
    this.store.add(this, r)
  }

  /** Oldest first. */
  entries (): Recorded[] {
    const out: Recorded[] = []
    for (let n = this.oldest; n !== undefined; n = n.next) out.push(n.r)
    return out
  }

  /**
   * Removes every entry, or those a predicate picks; returns how many went. Removing every entry also
   * zeroes `dropped`: the journal is complete again.
   */
  clear (which?: (entry: Recorded) => boolean): number {
    let removed = 0
    for (let n = this.oldest; n !== undefined;) {
      const next = n.next
      if (which === undefined || which(n.r)) {
        this.store.unlink(n)
        removed++
      }
      n = next
    }
    if (removed !== 0) this.store.place(this)
    if (which === undefined) this.dropped = 0
    return removed
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
export function redact (value: string): string {
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
  job?: string
}

/** Whether a recorded request matches a journal filter (every given field must match). */
export function matches (r: Recorded, q: JournalFilter): boolean {
  if (q.method !== undefined && r.method !== q.method.toUpperCase()) return false
  if (q.status !== undefined && r.status !== q.status) return false
  if (q.project !== undefined && r.params.projectId !== q.project) return false
  if (q.service !== undefined && r.params.serviceId !== q.service) return false
  if (q.job !== undefined && r.params.jobId !== q.job) return false
  return true
}
