import t from 'tap'
import { ConfigError, parseConfig, USAGE } from '../../src/config.js'

t.test('the control-plane settings default to: no admin token, a journal of 1000 entries and 64 MiB, no isolation, no state file', async (t) => {
  const config = parseConfig([], {})
  t.not(config, 'help')
  t.matchStrict(config, { journalSize: 1000, journalBytes: 64 * 1024 * 1024, isolation: false })
  t.notOk('adminToken' in (config as object))
  t.notOk('stateFile' in (config as object))
})

t.test('each is read from its flag, or else its environment variable', async (t) => {
  t.matchStrict(parseConfig(['--admin-token', 'a', '--journal-size', '5', '--journal-bytes', '4096', '--isolation', '--state-file', '/tmp/s.json'], {}), {
    adminToken: 'a', journalSize: 5, journalBytes: 4096, isolation: true, stateFile: '/tmp/s.json'
  })
  t.matchStrict(parseConfig([], {
    NORTHFLANK_MOCK_ADMIN_TOKEN: '123',
    NORTHFLANK_MOCK_JOURNAL_SIZE: '0',
    NORTHFLANK_MOCK_JOURNAL_BYTES: '1048576',
    NORTHFLANK_MOCK_ISOLATION: 'true',
    NORTHFLANK_MOCK_STATE_FILE: 'state.json'
  }), { adminToken: '123', journalSize: 0, journalBytes: 1048576, isolation: true, stateFile: 'state.json' })
})

t.test('a bad journal size is refused, naming the flag and the variable', async (t) => {
  t.throws(() => parseConfig(['--journal-size=-1'], {}), { message: /^invalid --journal-size \/ NORTHFLANK_MOCK_JOURNAL_SIZE .*greater or equal to 0/ })
  t.throws(() => parseConfig(['--journal-size', '2000000'], {}), { message: /^invalid --journal-size/ })
  let error: unknown
  try {
    parseConfig([], { NORTHFLANK_MOCK_JOURNAL_SIZE: 'lots' })
  } catch (err) {
    error = err
  }
  t.ok(error instanceof ConfigError)
  t.matchStrict(error, { message: /NORTHFLANK_MOCK_JOURNAL_SIZE \("lots"\)/ })
})

t.test('--help lists them', async (t) => {
  for (const flag of ['--admin-token', '--journal-size', '--isolation', '--state-file']) t.matchStrict(USAGE, flag)
})

t.test('an unknown flag is refused with the usage', async (t) => {
  t.throws(() => parseConfig(['--journal'], {}), { message: /Unknown option '--journal'[\s\S]*Usage: northflank-mock/ })
})
