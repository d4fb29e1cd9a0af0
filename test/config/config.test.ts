import t from 'tap'
import { ConfigSchema } from '../../schemas/config.js'
import { ConfigError, listenError, parseConfig, SETTINGS, USAGE } from '../../src/config.js'

/** The behaviour settings' defaults (test/config/behaviour.test.ts checks them). */
const BEHAVIOUR = { rateLimit: false, rateLimitMax: 1000, rateLimitWindow: 3600, latency: 0, rolloutPending: 0, rolloutInProgress: 0 }

t.test('defaults: port 8080 on 127.0.0.1, info logs, 1 MiB bodies', async (t) => {
  t.strictSame(parseConfig([], {}), { port: 8080, host: '127.0.0.1', logLevel: 'info', logPretty: false, bodyLimit: 1048576, ...BEHAVIOUR, journalSize: 1000, journalBytes: 67108864, isolation: false })
})

t.test('the environment sets each value, and a flag wins over it', async (t) => {
  const env = { PORT: '9000', HOST: '0.0.0.0', LOG_LEVEL: 'warn', LOG_PRETTY: 'true', NORTHFLANK_MOCK_FIXTURES: 'f.json', NORTHFLANK_MOCK_BODY_LIMIT: '4096' }
  t.strictSame(parseConfig([], env), { port: 9000, host: '0.0.0.0', logLevel: 'warn', logPretty: true, fixtures: 'f.json', bodyLimit: 4096, ...BEHAVIOUR, journalSize: 1000, journalBytes: 67108864, isolation: false })
  t.strictSame(parseConfig(['--port', '0', '--host', '::1', '--log-level', 'debug', '--fixtures', 'g.json', '--body-limit', '2048'], env),
    { port: 0, host: '::1', logLevel: 'debug', logPretty: true, fixtures: 'g.json', bodyLimit: 2048, ...BEHAVIOUR, journalSize: 1000, journalBytes: 67108864, isolation: false })
  t.equal((parseConfig(['--log-pretty'], {}) as { logPretty: boolean }).logPretty, true)
  t.equal((parseConfig([], { PORT: '' }) as { port: number }).port, 8080, 'an empty variable counts as unset')
})

t.test('a bad value stops with a message naming the flag and the variable', async (t) => {
  t.throws(() => parseConfig([], { PORT: 'eighty' }), { message: /^invalid --port \/ PORT \("eighty"\)/ })
  t.throws(() => parseConfig(['--port', '70000'], {}), { message: /--port \/ PORT/ })
  t.throws(() => parseConfig([], { LOG_LEVEL: 'loud' }), { message: /--log-level \/ LOG_LEVEL/ })
  t.throws(() => parseConfig([], { NORTHFLANK_MOCK_BODY_LIMIT: '10' }), { message: /--body-limit \/ NORTHFLANK_MOCK_BODY_LIMIT/ })
  t.throws(() => parseConfig(['--nope'], {}), { name: 'ConfigError' })
  t.throws(() => parseConfig(['--nope'], {}), { message: /Usage: northflank-mock/ })
})

t.test('--help and -h ask for the usage text, --version and -v for the version, whatever else is given', async (t) => {
  t.equal(parseConfig(['--help'], {}), 'help')
  t.equal(parseConfig(['-h'], {}), 'help')
  t.equal(parseConfig(['--version'], {}), 'version')
  t.equal(parseConfig(['-v'], {}), 'version')
  t.equal(parseConfig(['--port', '0', '-v'], { PORT: 'not a port' }), 'version')
})

t.test('the usage text has one row per option, its columns lined up in every row', async (t) => {
  const rows = USAGE.split('\n').filter((line) => /^ {2}-/.test(line))
  t.equal(rows.length, Object.keys(SETTINGS).length + 2, 'each setting, then -h and -v')
  // Cells are separated by two spaces or more; where each starts, per row.
  const starts = rows.map((row) => [...row.matchAll(/\S+(?: \S+)*/g)].map((cell) => cell.index))
  t.strictSame(new Set(starts.map((cells) => cells[1])).size, 1, 'descriptions start in one column')
  t.strictSame(new Set(starts.filter((cells) => cells.length === 3).map((cells) => cells[2])).size, 1, 'variables start in one column')
  t.equal(starts.filter((cells) => cells.length === 3).length, Object.keys(SETTINGS).length, 'each setting names its variable')
})

t.test('the usage text shows each setting\'s variable and the schema\'s default', async (t) => {
  for (const [key, { flag, env }] of Object.entries(SETTINGS)) {
    const row = USAGE.split('\n').find((line) => line.startsWith(`  --${flag} `))
    const fallback = (ConfigSchema.properties[key as keyof typeof SETTINGS] as { default?: unknown }).default
    t.ok(row?.endsWith(fallback === undefined ? ` ${env}` : ` ${env} (${String(fallback)})`), `--${flag}: ${row}`)
  }
  t.matchStrict(USAGE, / PORT \(8080\)$/m)
})

t.test('--allowed-hosts takes host names separated by commas, .name and *, and refuses a port in words', async (t) => {
  const config = parseConfig(['--allowed-hosts', 'mock.internal,.example.com,*'], {})
  t.equal(config !== 'help' && config !== 'version' ? config.allowedHosts : undefined, 'mock.internal,.example.com,*')
  const fromEnv = parseConfig([], { NORTHFLANK_MOCK_ALLOWED_HOSTS: 'northflank-mock.ci.svc.cluster.local' })
  t.equal(fromEnv !== 'help' && fromEnv !== 'version' ? fromEnv.allowedHosts : undefined, 'northflank-mock.ci.svc.cluster.local')
  for (const bad of ['mock.internal:8080', 'a,,b', 'a b', 'http://mock.internal']) {
    t.throws(() => parseConfig(['--allowed-hosts', bad], {}), {
      name: 'ConfigError',
      message: `invalid --allowed-hosts / NORTHFLANK_MOCK_ALLOWED_HOSTS (${JSON.stringify(bad)}): must be host names separated by commas, ` +
        'each name, .name (with its subdomains) or *, without a port'
    }, bad)
  }
})

t.test('a failed listen that is the user\'s to fix is one line naming the flag and the variable; any other error stays as it is', async (t) => {
  const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code })
  const message = (code: string, port: number, host: string) => {
    const err = listenError(failure(code), port, host)
    t.ok(err instanceof ConfigError, `${code}: a ConfigError, printed without a stack`)
    return (err as Error).message
  }
  t.equal(message('EADDRINUSE', 8080, '127.0.0.1'),
    'port 8080 on 127.0.0.1 is in use (EADDRINUSE): choose another with --port / PORT (0 picks a free one)')
  t.equal(message('EACCES', 80, '0.0.0.0'),
    'no permission to listen on port 80 (EACCES; ports below 1024 need privileges): choose another with --port / PORT (0 picks a free one)')
  t.equal(message('EADDRNOTAVAIL', 8080, '192.0.2.1'),
    'cannot listen on 192.0.2.1: not an address of this machine (EADDRNOTAVAIL); ' +
    'choose another with --host / HOST (127.0.0.1: this machine only; 0.0.0.0: every interface)')
  t.equal(message('EINVAL', 8080, 'fe80::1'),
    'cannot listen on fe80::1: not an address to listen on (EINVAL); ' +
    'choose another with --host / HOST (127.0.0.1: this machine only; 0.0.0.0: every interface)')
  t.equal(message('ENOTFOUND', 8080, 'no-such-host.invalid'),
    'cannot listen on "no-such-host.invalid": the host name does not resolve (ENOTFOUND); ' +
    'choose another with --host / HOST (127.0.0.1: this machine only; 0.0.0.0: every interface)')
  t.equal(message('EAI_AGAIN', 8080, 'flaky.example'),
    'cannot listen on "flaky.example": the host name does not resolve (EAI_AGAIN); ' +
    'choose another with --host / HOST (127.0.0.1: this machine only; 0.0.0.0: every interface)')
  const other = failure('EMFILE')
  t.equal(listenError(other, 8080, '127.0.0.1'), other, 'another error: given back, for its stack')
})
