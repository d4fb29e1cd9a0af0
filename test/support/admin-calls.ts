/**
 * The admin client's methods, each with the admin operation (OpenAPI operationId) it calls and a call that
 * succeeds: test/client.test.ts runs them against the OpenAPI document, test/e2e/docs-api.test.ts checks
 * docs/testing.md's table of methods against them.
 */
import type { JournalEntry } from '../../schemas/admin.js'
import { createAdminClient, type AdminClient } from '../../src/index.js'

export const DEPLOYMENT = '/v1/projects/default-project/services/example-service/deployment'

export async function deploy (url: string, imagePath: string, token = 'tok'): Promise<number> {
  const res = await fetch(`${url}${DEPLOYMENT}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ external: { imagePath } })
  })
  await res.arrayBuffer()
  return res.status
}

/** The first entry a stream gives, then the loop is left (the client hangs up). */
export async function firstOf (entries: AsyncIterable<JournalEntry>): Promise<JournalEntry | undefined> {
  const iterator = entries[Symbol.asyncIterator]()
  const { done, value } = await iterator.next()
  await iterator.return?.()
  return done === true ? undefined : value
}

export type Method = Exclude<keyof AdminClient, 'url'>

/**
 * Each client method, the admin operation (OpenAPI operationId) it must call, and a call that succeeds, in
 * an order where each finds what it needs (a rule to read before it is removed). A mapped type: a method
 * added to AdminClient without a row here does not compile.
 */
export const CALLS: { [M in Method]: { operation: string, call: (admin: AdminClient, url: string) => Promise<unknown> } } = {
  health: { operation: 'MockHealth', call: (a) => a.health() },
  reset: { operation: 'MockReset', call: (a) => a.reset() },
  state: { operation: 'MockGetState', call: (a) => a.state() },
  replaceState: { operation: 'MockReplaceState', call: async (a) => a.replaceState(await createAdminClient(a.url).state()) },
  fixtures: { operation: 'MockGetFixtures', call: (a) => a.fixtures() },
  loadFixtures: { operation: 'MockLoadFixtures', call: async (a) => a.loadFixtures(await createAdminClient(a.url).fixtures()) },
  journal: { operation: 'MockGetJournal', call: (a) => a.journal({ method: 'POST', limit: 1 }) },
  count: { operation: 'MockCountJournal', call: (a) => a.count({ status: 200 }) },
  streamJournal: {
    operation: 'MockStreamJournal',
    call: async (a, url) => {
      await deploy(url, 'nginx:2')
      return firstOf(a.streamJournal({ since: 0 }))
    }
  },
  clearJournal: { operation: 'MockClearJournal', call: (a) => a.clearJournal() },
  verify: { operation: 'MockVerify', call: (a) => a.verify({ count: { exactly: 0 } }) },
  addFault: { operation: 'MockAddFault', call: (a) => a.addFault({ id: 'f', action: { status: 503 } }) },
  faults: { operation: 'MockListFaults', call: (a) => a.faults() },
  fault: { operation: 'MockGetFault', call: (a) => a.fault('f') },
  removeFault: { operation: 'MockRemoveFault', call: (a) => a.removeFault('f') },
  clearFaults: { operation: 'MockClearFaults', call: (a) => a.clearFaults() },
  latency: { operation: 'MockGetLatency', call: (a) => a.latency() },
  setLatency: { operation: 'MockSetLatency', call: (a) => a.setLatency(0) },
  clock: { operation: 'MockGetClock', call: (a) => a.clock() },
  setClock: { operation: 'MockSetClock', call: (a) => a.setClock({ mode: 'manual' }) },
  advanceClock: { operation: 'MockAdvanceClock', call: (a) => a.advanceClock(1) },
  rollout: { operation: 'MockGetRollout', call: (a) => a.rollout() },
  setRollout: { operation: 'MockSetRollout', call: (a) => a.setRollout({ pendingMs: 0 }) },
  rateLimit: { operation: 'MockGetRateLimit', call: (a) => a.rateLimit() },
  setRateLimit: { operation: 'MockSetRateLimit', call: (a) => a.setRateLimit({ enforce: false }) }
}

/** Admin operations with no client method, each with the reason. */
export const NOT_CLIENT_METHODS: Record<string, string> = {
  MockInspector: 'a page for a browser (docs/inspector.md), not data'
}
