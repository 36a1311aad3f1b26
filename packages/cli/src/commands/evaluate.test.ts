import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-evaluate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const seed = fileURLToPath(new URL('../../../../examples/seed-case/events.jsonl', import.meta.url))

const write = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** A valid TAKE IT DOWN request in June 2026 that nobody acted on. */
const ignored = write(
  'ignored.jsonl',
  `${JSON.stringify({
    id: 'evt-1',
    type: 'ContentReported',
    caseId: 'case-1',
    occurredAt: '2026-06-01T22:30:00-04:00',
    data: {
      reportId: 'r-1',
      channel: 'web_form',
      category: 'ncii',
      content: { ref: 'post:1', kind: 'image' },
      jurisdictions: ['US'],
      removalRequest: { signature: true, identification: true, goodFaithStatement: true, contact: true },
      reporter: { subjectId: 's-1' },
    },
  })}\n`,
)

/** A § 2703(f) preservation request: a hold counted in the profile's time zone. */
const preservation = write(
  'preservation.jsonl',
  `${JSON.stringify({
    id: 'evt-1',
    type: 'AuthorityRequestReceived',
    caseId: 'case-1',
    occurredAt: '2026-06-01T10:00:00-04:00',
    actor: { kind: 'law_enforcement' },
    data: {
      requestId: 'req-1',
      authority: 'FBI',
      kind: 'preservation_request',
      jurisdiction: 'US',
      legalBasis: 'us-2703f',
    },
  })}\n`,
)

/** The `eu-dsa/<rule>` obligation of the one case in `file`, evaluated for a profile of `providerType`. */
const dsaObligation = async (
  file: string,
  rule: string,
  providerType: { readonly kind: string; readonly designatedAt?: string },
): Promise<{ readonly preEffective: boolean; readonly startedAt: string }> => {
  const config = write(`${providerType.kind}-${rule}.json`, JSON.stringify({ providerType }))
  const r = await docket(['evaluate', file, '--format', 'json', '--config', config])
  expect(r.code, r.stderr).toBe(0)
  const report = JSON.parse(r.stdout) as {
    cases: ReadonlyArray<{
      obligations: ReadonlyArray<{ policy: string; rule: string; preEffective: boolean; startedAt: string }>
    }>
  }
  return report.cases[0]!.obligations.find((o) => o.policy === 'eu-dsa' && o.rule === rule)!
}

describe('docket evaluate', () => {
  it('writes the cli.md JSON for the seed case: deterministic, as of the latest event', async () => {
    const a = await docket(['evaluate', seed, '--format', 'json'])
    expect(a.code, a.stderr).toBe(0)
    const report = JSON.parse(a.stdout)
    expect(report).toMatchObject({
      asOf: '2020-01-30T22:00:00.000Z',
      knownAt: null,
      counterfactual: false,
      profile: 'default',
    })
    expect(report.cases.map((c: { caseId: string }) => c.caseId)).toEqual(['doe-v-twitter'])
    const ids = report.cases[0].obligations.map((o: { id: string }) => o.id)
    expect(ids).toContain('doe-v-twitter/us-2258a/report/seed-002')
    const reasons = new Set(report.cases[0].escalations.map((x: { reason: string }) => x.reason))
    expect(reasons).toContain('refusal_guard')
    expect(reasons).toContain('authority_after_refusal')
    expect(Object.keys(report.summary)).toEqual([
      'obligations',
      'met',
      'met_late',
      'breached',
      'pending',
      'waived',
      'paused',
      'internalBreached',
      'targetsMissed',
    ])
    const b = await docket(['evaluate', seed, '--format', 'json'])
    expect(b.stdout).toBe(a.stdout)
  })

  it('prints a table by default, with no colour when not on a TTY', async () => {
    const r = await docket(['evaluate', seed])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('case doe-v-twitter')
    expect(r.stdout).toContain('us-2258a/report')
    expect(r.stdout).not.toContain('\u001b[')
    // each time with its offset: rules of other legal zones start at the same instant, written otherwise
    const whatIf = await docket(['evaluate', seed, '--what-if', 'us-take-it-down'])
    expect(whatIf.stdout).toMatch(/us-2258a\/report .* 2020-01-21 16:05 UTC-08:00/)
    expect(whatIf.stdout).toMatch(/us-take-it-down\/removal .* 2020-01-21 19:05 UTC-05:00/)
  })

  it('exits 1 with --fail-on breached when a statutory obligation is breached, 0 without it', async () => {
    const asOf = ['--as-of', '2026-06-05T00:00:00-04:00']
    const plain = await docket(['evaluate', ignored, ...asOf, '--format', 'json'])
    expect(plain.code, plain.stderr).toBe(0)
    const report = JSON.parse(plain.stdout)
    const removal = report.cases[0].obligations.find(
      (o: { id: string }) => o.id === 'case-1/us-take-it-down/removal/evt-1',
    )
    expect(removal).toMatchObject({
      status: 'breached',
      statutory: true,
      dueAt: '2026-06-03T22:30:00.000-04:00',
    })
    expect(report.summary.breached).toBeGreaterThan(0)
    expect((await docket(['evaluate', ignored, ...asOf, '--fail-on', 'breached'])).code).toBe(1)
    const early = await docket([
      'evaluate',
      ignored,
      '--as-of',
      '2026-06-02T00:00:00-04:00',
      '--fail-on',
      'breached',
    ])
    expect(early.code).toBe(0)
  })

  it('--policies runs only the named policies; --what-if marks counterfactual', async () => {
    const only = JSON.parse(
      (await docket(['evaluate', seed, '--policies', 'us-2703f', '--format', 'json'])).stdout,
    )
    expect(only.cases[0].obligations).toEqual([])
    const whatIf = JSON.parse(
      (await docket(['evaluate', seed, '--what-if', 'us-take-it-down', '--format', 'json'])).stdout,
    )
    expect(whatIf.counterfactual).toBe(true)
  })

  it('--known-at keeps only what was recorded by then, and is the default as-of', async () => {
    const r = JSON.parse(
      (await docket(['evaluate', seed, '--known-at', '2020-01-22T00:00:00-08:00', '--format', 'json']))
        .stdout,
    )
    expect(r.knownAt).toBe('2020-01-22T08:00:00.000Z')
    expect(r.asOf).toBe('2020-01-22T08:00:00.000Z')
    expect(r.cases[0].obligations[0].status).toBe('pending')
  })

  it('warns that an input of no events leaves the report dated at the epoch, unless --as-of or --known-at date it', async () => {
    const empty = write('empty.jsonl', '')
    const r = await docket(['evaluate', empty, '--format', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).asOf).toBe('1970-01-01T00:00:00.000Z')
    expect(r.stderr).toContain('docket: warning: ')
    expect(r.stderr).toContain('no events, so no latest occurredAt to judge at')
    for (const fixed of ['--as-of', '--known-at']) {
      const dated = await docket(['evaluate', empty, '--format', 'json', fixed, '2026-01-01T00:00:00Z'])
      expect(JSON.parse(dated.stdout).asOf).toBe('2026-01-01T00:00:00.000Z')
      expect(dated.stderr).not.toContain('no events')
    }
    expect((await docket(['evaluate', seed, '--format', 'json'])).stderr).not.toContain('no events')
  })

  it('--from and --to keep only the cases whose first event is in the window', async () => {
    const cases = async (...argv: ReadonlyArray<string>): Promise<ReadonlyArray<string>> =>
      JSON.parse((await docket(['evaluate', seed, '--format', 'json', ...argv])).stdout).cases.map(
        (c: { caseId: string }) => c.caseId,
      )
    expect(await cases('--from', '2019-12-01T00:00:00-08:00', '--to', '2020-01-01T00:00:00-08:00')).toEqual([
      'doe-v-twitter',
    ])
    expect(await cases('--from', '2020-01-01T00:00:00-08:00')).toEqual([])
    expect(await cases('--to', '2019-12-25T18:30:00-08:00')).toEqual([])
    // a window that can hold nothing is a usage error, not an empty report
    for (const cmd of ['evaluate', 'replay']) {
      const r = await docket([cmd, seed, '--from', '2020-02-01T00:00:00Z', '--to', '2020-01-01T00:00:00Z'])
      expect(r.code, cmd).toBe(2)
      expect(r.stderr).toContain('--from 2020-02-01T00:00:00Z is not before --to 2020-01-01T00:00:00Z')
    }
  })

  it('reads --store and standard input', async () => {
    const stdin = await docket(['evaluate', '-', '--format', 'json'], { stdin: readFileSync(seed, 'utf8') })
    expect(stdin.code).toBe(0)
    expect(stdin.stdout).toBe((await docket(['evaluate', seed, '--format', 'json'])).stdout)
    const empty = await docket(['evaluate', '--store', 'memory:', '--format', 'json'])
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout).cases).toEqual([])
  })

  it('writes --out FILE and nothing to stdout', async () => {
    const out = join(dir, 'reports', 'seed.json')
    const r = await docket(['evaluate', seed, '--format', 'json', '--out', out])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    expect(JSON.parse(readFileSync(out, 'utf8')).profile).toBe('default')
  })

  it('uses a YAML or JSON profile from --config and names it', async () => {
    const yaml = write(
      'profile.yaml',
      'name: example-platform\nmarkets: [US]\ninternalTargets:\n  us-2258a/report: PT2H\n',
    )
    const r = await docket(['evaluate', seed, '--config', yaml, '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.profile).toBe('example-platform')
    const json = write('profile.json', JSON.stringify({ name: 'json-platform' }))
    expect(
      JSON.parse((await docket(['evaluate', seed, '--config', json, '--format', 'json'])).stdout).profile,
    ).toBe('json-platform')
    const nameless = write('nameless.yaml', 'markets: [US]\n')
    expect(
      JSON.parse((await docket(['evaluate', seed, '--config', nameless, '--format', 'json'])).stdout).profile,
    ).toBe('nameless.yaml')
  })

  it('refuses a profile whose timeZone is no zone before evaluating (no crash in the engine)', async () => {
    const tz = write('tz.json', JSON.stringify({ name: 'acme', timeZone: 'Mars/Olympus' }))
    const r = await docket(['evaluate', preservation, '--config', tz])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('tz.json: timeZone: got "Mars/Olympus", expected an IANA time zone')
    expect(r.stderr).not.toContain('internal error')
    const paris = write('paris.json', JSON.stringify({ name: 'acme', timeZone: 'Europe/Paris' }))
    const ok = await docket(['evaluate', preservation, '--config', paris, '--format', 'json'])
    expect(ok.code, ok.stderr).toBe(0)
    const held = JSON.parse(ok.stdout).cases[0].obligations.map((o: { policy: string; rule: string }) => [
      o.policy,
      o.rule,
    ])
    expect(held).toContainEqual(['us-2703f', 'preserve'])
  })

  it('exits 2 on bad input, naming the problem', async () => {
    const cases: ReadonlyArray<[ReadonlyArray<string>, string]> = [
      [['evaluate'], 'missing source'],
      [['evaluate', seed, '--format', 'xml'], '--format'],
      [['evaluate', seed, '--fail-on', 'pending'], '--fail-on'],
      [['evaluate', seed, '--as-of', '2020-01-30T10:00:00'], '--as-of'],
      [['evaluate', seed, '--policies', 'us-nope'], 'unknown policy "us-nope"'],
      [['evaluate', seed, '--store', 'memory:'], 'not both'],
      [['evaluate', seed, '--config', write('bad.yaml', 'name: x\nsize: huge\nfoo: 1\n')], 'foo'],
      [
        ['evaluate', seed, '--config', write('bad2.yaml', 'escalation:\n  ladder:\n    - level: 0\n')],
        'escalation.ladder.0',
      ],
      [['evaluate', seed, '--config', write('bad3.json', '{"name": ')], 'not valid JSON'],
      [
        ['evaluate', seed, '--config', write('ids.json', '{"enabledRules":["bogus/rule"]}')],
        'ids.json: enabledRules.0: got "bogus/rule", expected a policy id or the policy/rule id of a rule',
      ],
      [
        ['evaluate', seed, '--config', write('targets.json', '{"internalTargets":{"bogus/rule":"PT1H"}}')],
        'targets.json: internalTargets.bogus/rule: got "bogus/rule"',
      ],
      [
        [
          'evaluate',
          seed,
          '--config',
          write(
            'nested.yaml',
            'escalation:\n  ladder:\n    - { level: 1, name: a, notify: [x], ackWithin: PT1H }\n',
          ),
        ],
        'nested.yaml: escalation.ladder.0.ackWithin: got "PT1H", expected no such field',
      ],
      [
        [
          'evaluate',
          seed,
          '--config',
          write('vlop.json', '{"providerType":{"kind":"vlop","designationDate":"2023-04-25"}}'),
        ],
        'vlop.json: providerType.designationDate',
      ],
      [['evaluate', seed, '--config', join(dir, 'none.yaml')], 'no such file'],
      [['evaluate', write('bad.jsonl', '{"id":"a"}\n')], 'line 1'],
      [['evaluate', seed, '--config', write('uk.yaml', 'markets: [US, UK]\n')], 'markets.1'],
    ]
    for (const [argv, message] of cases) {
      const r = await docket(argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stdout, argv.join(' ')).toBe('')
      expect(r.stderr, argv.join(' ')).toContain(message)
    }
  })

  it('reads an event id once, as a store holds it: a repeated line counts once, another content is exit 2 naming both lines', async () => {
    const lines = readFileSync(seed, 'utf8').trimEnd().split('\n')
    const plain = await docket(['evaluate', seed, '--format', 'json'])
    const repeated = await docket([
      'evaluate',
      write('repeated.jsonl', `${[...lines, lines[2]].join('\n')}\n`),
      '--format',
      'json',
    ])
    expect(repeated.code, repeated.stderr).toBe(0)
    expect(repeated.stdout).toBe(plain.stdout)
    // line 13 gives seed-002 the content of seed-003, in the same case and in another
    for (const caseId of ['doe-v-twitter', 'another-case']) {
      const other = lines[2]!.replace('"seed-003"', '"seed-002"').replace('"doe-v-twitter"', `"${caseId}"`)
      const r = await docket([
        'evaluate',
        write(`conflict-${caseId}.jsonl`, `${[...lines, other].join('\n')}\n`),
      ])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(
        'line 13: id: got "seed-002", expected an event id not already used on line 2 with other content',
      )
    }
  })

  it('exits 2 on a jurisdiction that is not an ISO 3166-1 code, naming the line, the field and GB', async () => {
    const good = readFileSync(ignored, 'utf8')
    const uk = good.replace('"jurisdictions":["US"]', '"jurisdictions":["UK"]').replace('evt-1', 'evt-2')
    const path = write('uk.jsonl', good + uk)
    const r = await docket(['evaluate', path])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`${path}: line 2: data.jurisdictions.0: got "UK"`)
    expect(r.stderr).toContain('the United Kingdom is GB')
  })

  it('exits 2 on a DeadlineExtended with both until and by, naming the line and data', async () => {
    const good = readFileSync(ignored, 'utf8')
    const both = `${JSON.stringify({
      id: 'evt-2',
      type: 'DeadlineExtended',
      caseId: 'case-1',
      occurredAt: '2026-06-02T10:00:00-04:00',
      data: { target: 'case-1/us-take-it-down/remove/evt-1', until: '2026-06-10T00:00:00Z', by: 'P7D' },
    })}\n`
    const r = await docket(['evaluate', write('both.jsonl', good + both)])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('line 2: data: got ')
    expect(r.stderr).toContain('exactly one of until (an instant) and by (an ISO-8601 duration)')
  })

  it('DSA before 2024-02-17: a platform that is not a VLOP gets a pre-effective obligation from then, a VLOP an ordinary one', async () => {
    // legal.md note 7 ("Flag it `preEffective` and ... start the clock at the effective instant"); the DSA
    // section: applies "from 17 February 2024", designated VLOPs from 2023-08-25 (Art. 92)
    const notice = write(
      'dsa-2023.jsonl',
      `${JSON.stringify({
        id: 'evt-1',
        type: 'ContentReported',
        caseId: 'case-1',
        occurredAt: '2023-10-01T09:00:00+02:00',
        data: {
          reportId: 'r-1',
          channel: 'web_form',
          category: 'hate',
          content: { ref: 'post:1', kind: 'image' },
          jurisdictions: ['BE'],
        },
      })}\n`,
    )
    const platform = await dsaObligation(notice, '16-decide', { kind: 'online_platform' })
    expect(platform.preEffective).toBe(true)
    expect(Date.parse(platform.startedAt)).toBe(Date.parse('2024-02-17T00:00:00+01:00'))
    const vlop = await dsaObligation(notice, '16-decide', { kind: 'vlop' })
    expect(vlop.preEffective).toBe(false)
    expect(Date.parse(vlop.startedAt)).toBe(Date.parse('2023-10-01T09:00:00+02:00'))
  })

  it('DSA Art. 9 before 2024-02-17: a VLOSE designated 2023-04-25 gets an ordinary obligation, a search service a pre-effective one', async () => {
    // legal.md, DSA section: under Art. 92, "designated VLOPs and VLOSEs were bound 'from four months after
    // the notification'"; the Art. 9 row names no provider type and gives 2024-02-17
    const order = write(
      'order-2023.jsonl',
      `${JSON.stringify({
        id: 'evt-1',
        type: 'AuthorityRequestReceived',
        caseId: 'case-1',
        occurredAt: '2023-10-01T09:00:00+02:00',
        data: {
          requestId: 'q-1',
          authority: 'A',
          kind: 'removal_order',
          jurisdiction: 'BE',
          legalBasis: 'eu-dsa/9-orders',
        },
      })}\n`,
    )
    const vlose = await dsaObligation(order, '9-orders', {
      kind: 'vlose',
      designatedAt: '2023-04-25T00:00:00+02:00',
    })
    expect(vlose.preEffective).toBe(false)
    expect(Date.parse(vlose.startedAt)).toBe(Date.parse('2023-10-01T09:00:00+02:00'))
    const search = await dsaObligation(order, '9-orders', { kind: 'search' })
    expect(search.preEffective).toBe(true)
    expect(Date.parse(search.startedAt)).toBe(Date.parse('2024-02-17T00:00:00+01:00'))
  })

  it('refuses a profile of an unknown provider kind, listing every kind', async () => {
    const r = await docket([
      'evaluate',
      write('none.jsonl', ''),
      '--config',
      write('vlse.json', '{"providerType":{"kind":"vlse"}}'),
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'vlse.json: providerType: got {"kind":"vlse"}, expected an object whose kind is one of hosting, online_platform, search, vlop, vlose',
    )
  })
})
