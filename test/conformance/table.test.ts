import t from 'tap'
import type { ProbeRecord, Report } from '../../schemas/conformance.js'
import { printout } from '../../src/conformance/table.js'

const agreeing: ProbeRecord = {
  name: 'read.service',
  rule: 'read-fields',
  safety: 'read',
  request: { method: 'GET', path: '/v1/projects/p/services/s', auth: 'user', headers: {}, body: null },
  compare: { status: 'exact', body: 'covers', values: [], headers: [] },
  target: { status: 200, headers: {}, body: { data: {} } },
  emulator: { status: 200, headers: {}, body: { data: {} } },
  agree: true,
  differences: []
}

const disagreeing: ProbeRecord = {
  name: 'limit.body',
  rule: 'body-limit-413',
  safety: 'absent',
  request: {
    method: 'POST',
    path: '/v1/projects/p/services/s/deployment',
    auth: 'none',
    headers: { 'content-type': 'application/json', 'x-pad': `${'y'.repeat(45)}` },
    body: `{"internal":{"id":"nfmock-absent","branch":"{{fill}}"},"more":"${'z'.repeat(200)}"}`,
    fill: { char: 'x', count: 1100000 }
  },
  compare: { status: 'exact', body: 'shape', values: [], headers: [] },
  target: { status: 502, headers: {}, text: '<html>\n<body>Bad gateway</body>\n</html>' },
  emulator: {
    status: 413,
    headers: {},
    body: { error: { status: 413, message: `Request body is too large: ${'w'.repeat(60)}`, id: 'e1', details: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10 } } }
  },
  agree: false,
  differences: ['status: 502 at the target, 413 at the emulator', 'body: text (not JSON) at the target, an object at the emulator']
}

const report: Report = {
  target: 'https://api.example.com',
  date: '2027-01-05T10:00:00.000Z',
  version: '1.2.3',
  complete: false,
  stopped: 'interrupted',
  redacted: false,
  targetIsEmulator: false,
  options: { job: false, team: false, allowDeploy: false },
  requests: { target: 5, emulator: 3 },
  mirror: { projects: [] },
  notes: ['no re-deploy of service s: a build service has no deployment'],
  probes: [agreeing, { ...agreeing, name: 'read.deployment', target: { ...agreeing.target, status: 200 } }, disagreeing]
}

t.test('a table of one line per rule, each disagreement with both answers side by side, notes and totals', async (t) => {
  const z = 'z'.repeat(137)
  const pad = ' '.repeat(59)
  t.equal(printout(report, 'out.json'), [
    'Target https://api.example.com, emulator 1.2.3',
    '',
    'Rule            Target  Emulator  Agree',
    'read-fields     200×2   200×2     yes',
    'body-limit-413  502     413       no (1 of 1)',
    '',
    'Disagreements (1)',
    '',
    'body-limit-413 · limit.body',
    `  POST /v1/projects/p/services/s/deployment · no token · content-type: application/json · x-pad: ${'y'.repeat(40)}…`,
    `  body: {"internal":{"id":"nfmock-absent","branch":"{{fill}}"},"more":"${z}…`,
    '  ({{fill}} stands for 1100000 × "x")',
    '  - status: 502 at the target, 413 at the emulator',
    '  - body: text (not JSON) at the target, an object at the emulator',
    '  target: 502                                              │ emulator: 413',
    '  <html>                                                   │ {',
    '  <body>Bad gateway</body>                                 │   "error": {',
    '  </html>                                                  │     "status": 413,',
    `${pad}│     "message": "Request body is too large: wwwwwwwwwwww…`,
    `${pad}│     "id": "e1",`,
    `${pad}│     "details": {`,
    ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => `${pad}│       "${k}": ${i + 1},`),
    `${pad}│ (6 more lines)`,
    '',
    'Note: no re-deploy of service s: a build service has no deployment',
    '',
    '3 probes: 2 agree, 1 disagree; 5 requests to the target; report: out.json',
    'Stopped early: interrupted'
  ].join('\n'))
})

t.test('an answer whose body was not kept says so', async (t) => {
  const headers: ProbeRecord = {
    ...agreeing,
    name: 'read.rate-limit-headers',
    rule: 'rate-limit-headers',
    compare: { status: 'exact', body: 'none', values: [], headers: ['x-ratelimit-limit'] },
    target: { status: 200, headers: {} },
    emulator: { status: 200, headers: { 'x-ratelimit-limit': '1000' } },
    agree: false,
    differences: ['header x-ratelimit-limit: absent at the target, sent at the emulator']
  }
  t.matchStrict(printout({ ...report, probes: [headers] }), new RegExp([
    'rate-limit-headers · read\\.rate-limit-headers',
    '  GET /v1/projects/p/services/s · your token',
    '  - header x-ratelimit-limit: absent at the target, sent at the emulator',
    '  target: 200 {46}│ emulator: 200',
    '  \\(body not kept: not compared\\) {28}│ \\(body not kept: not compared\\)\\n'
  ].join('\\n')))
})

t.test('a target\'s answer longer than the emulator\'s: the emulator\'s side ends first', async (t) => {
  const longer: ProbeRecord = { ...disagreeing, target: { status: 502, headers: {}, text: 'a\nb\nc' }, emulator: { status: 413, headers: {}, text: 'x' } }
  t.matchStrict(printout({ ...report, probes: [longer] }), / {2}target: 502 {46}│ emulator: 413\n {2}a {56}│ x\n {2}b\n {2}c\n/)
})

t.test('a run where everything agrees prints the table and the totals only', async (t) => {
  t.equal(printout({ ...report, notes: [], stopped: null, complete: true, probes: [agreeing] }), [
    'Target https://api.example.com, emulator 1.2.3',
    '',
    'Rule         Target  Emulator  Agree',
    'read-fields  200     200       yes',
    '',
    '1 probes: 1 agree, 0 disagree; 5 requests to the target'
  ].join('\n'))
})
