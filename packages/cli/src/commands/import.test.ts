import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const event = (id: string, caseId: string, at: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    id,
    type: 'ExposureObserved',
    caseId,
    occurredAt: at,
    data: { views: 10, shares: 1 },
    ...extra,
  })

const good = [
  event('e-1', 'case-a', '2026-06-01T10:00:00-04:00'),
  event('e-2', 'case-b', '2026-06-01T11:00:00-04:00', { recordedAt: '2026-06-02T09:00:00Z' }),
  event('e-3', 'case-a', '2026-06-01T12:00:00-04:00'),
]

const file = (name: string, lines: ReadonlyArray<string>): string => {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

describe('docket import and export', { timeout: 120_000 }, () => {
  const store = `pglite:${join(dir, 'store')}`

  it('refuses a file with a bad line: exit 2, the file, line and field on stderr, nothing stored', async () => {
    const bad = file('bad.jsonl', [good[0]!, event('e-x', 'case-a', '2026-06-01T10:00:00'), good[2]!])
    const r = await docket(['import', bad, '--store', store])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${bad}: line 2: occurredAt`)
    expect(r.stderr).toContain('Nothing was stored')
    const exported = await docket(['export', '--store', store])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toBe('')
  })

  it('imports a file, keeps recordedAt when given, infers it otherwise, and exports it as stored, in file order', async () => {
    const r = await docket(['import', file('good.jsonl', good), '--store', store])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(
      `imported 3 new event(s) into ${store} (2 case(s) in the input); 0 already stored`,
    )
    const out = await docket(['export', '--store', store])
    expect(out.code).toBe(0)
    const lines = out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-3'])
    expect(lines[0]).toMatchObject({
      recordedAt: '2026-06-01T10:00:00-04:00',
      meta: { recordedAtInferred: true },
    })
    expect(lines[1].recordedAt).toBe('2026-06-02T09:00:00Z')
  })

  it('is idempotent: importing the same file again stores nothing', async () => {
    const r = await docket(['import', file('good.jsonl', good), '--store', store])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(`imported 0 new event(s): all 3 already stored in ${store} (2 case(s))\n`)
    expect(r.stderr).not.toContain('into 2 case(s)')
  })

  it('reports the progress of both reads on stderr as JSON lines when not a terminal, never on stdout; --quiet turns it off', async () => {
    const r = await docket(['import', file('good.jsonl', good), '--store', 'memory:'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    const progress = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{"progress"'))
      .map((l) => JSON.parse(l).progress)
    expect(progress).toEqual([
      expect.objectContaining({ phase: 'checking', lines: 3, total: null, percent: null, done: true }),
      expect.objectContaining({
        phase: 'storing',
        lines: 3,
        total: 3,
        appended: 3,
        percent: 100,
        done: true,
      }),
    ])
    const quiet = await docket(['import', file('good.jsonl', good), '--store', 'memory:', '--quiet'])
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(quiet.stderr).not.toContain('progress')
    expect(quiet.stderr).toContain('imported 3 new event(s)')
  })

  it('redraws one progress line per read on a terminal', async () => {
    const r = await docket(['import', file('good.jsonl', good), '--store', 'memory:'], { tty: true })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/\rchecking: 3 lines, [\d,]+\/s — done\n/)
    expect(r.stderr).toMatch(/\r\[#{30}\] 100% storing: 3 of 3 lines, [\d,]+\/s, 3 new — done\n/)
  })

  it('refuses a file reusing a stored id with other content: exit 2, line and id on stderr, nothing stored, not even the lines before it', async () => {
    const before = await docket(['export', '--store', store])
    const changed = event('e-1', 'case-a', '2026-06-01T10:05:00-04:00')
    const lines = [
      event('e-9', 'case-z', '2026-06-04T10:00:00Z'),
      event('e-10', 'case-y', '2026-06-04T11:00:00Z'),
      changed,
      event('e-2', 'case-x', '2026-06-01T11:00:00-04:00', { recordedAt: '2026-06-02T09:00:00Z' }),
    ]
    const r = await docket(['import', file('changed.jsonl', lines), '--store', store])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'line 3: id: got "e-1", expected an event id not already stored with other content (IdempotencyConflict: stored in case case-a with different content)',
    )
    expect(r.stderr).toContain(
      'line 4: id: got "e-2", expected an event id not already stored with other content (IdempotencyConflict: stored in case case-b with different content)',
    )
    expect(r.stderr).toContain('2 of 4 line(s) are bad. Nothing was stored.')
    expect((await docket(['export', '--store', store])).stdout).toBe(before.stdout)
  })

  it('with --skip-bad, stores the good lines and reports every skipped one', async () => {
    const mixed = file('mixed.jsonl', [
      event('e-4', 'case-c', '2026-06-03T10:00:00Z'),
      '{not json',
      event('e-5', 'case-c', '2026-06-03T11:00:00Z', { type: 'NoSuchType' }),
      event('e-3', 'case-a', '2026-06-01T12:30:00-04:00'),
    ])
    const r = await docket(['import', mixed, '--store', store, '--skip-bad'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('line 2')
    expect(r.stderr).toContain('line 3: type')
    expect(r.stderr).toContain(
      `skipped ${mixed}: line 4: id: got "e-3", expected an event id not already stored`,
    )
    expect(r.stderr).toContain('3 bad line(s) skipped')
    const out = await docket(['export', '--store', store, '--out', join(dir, 'out', 'all.jsonl')])
    expect(out.code).toBe(0)
    expect(out.stdout).toBe('')
    const ids = readFileSync(join(dir, 'out', 'all.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).id)
    expect(ids).toEqual(['e-1', 'e-2', 'e-3', 'e-4'])
  })

  it('with --skip-bad, a line equal to a stored event is a duplicate even after a line giving its id other content', async () => {
    const lines = [
      event('e-1', 'case-a', '2026-06-01T10:05:00-04:00'),
      good[0]!,
      event('e-6', 'case-d', '2026-06-05T10:00:00Z'),
    ]
    const retry = file('retry.jsonl', lines)
    const r = await docket(['import', retry, '--store', store, '--skip-bad'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(
      `skipped ${retry}: line 1: id: got "e-1", expected an event id not already stored`,
    )
    expect(r.stderr).not.toContain('line 2')
    expect(r.stderr).toContain('imported 1 new event(s) into')
    expect(r.stderr).toContain('(2 case(s) in the input)')
    expect(r.stderr).toContain('1 already stored; 1 bad line(s) skipped')
  })

  it('reads standard input with -, from a copy in --spill-dir that is gone when the command ends', async () => {
    const spill = mkdtempSync(join(dir, 'spill-'))
    const r = await docket(['import', '-', '--store', 'memory:', '--spill-dir', spill], {
      stdin: `${good.join('\n')}\n`,
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('imported 3 new event(s)')
    expect(readdirSync(spill)).toEqual([])
    const bad = await docket(['import', '-', '--store', 'memory:', '--spill-dir', spill], {
      stdin: `${good.join('\n')}\nnot json\n`,
    })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('line 4')
    expect(readdirSync(spill)).toEqual([])
  })

  it('refuses a --spill-dir that is not a directory (exit 2), before reading standard input', async () => {
    const r = await docket(['import', '-', '--store', 'memory:', '--spill-dir', join(dir, 'no-such-dir')], {
      stdin: `${good.join('\n')}\n`,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`--spill-dir ${JSON.stringify(join(dir, 'no-such-dir'))}: no such directory`)
    expect(r.stderr).not.toContain('imported')
  })

  it('exits 2 on bad usage: no --store, no file, a missing file, an unknown store scheme', async () => {
    expect((await docket(['import', file('g.jsonl', good)])).code).toBe(2)
    expect((await docket(['import', '--store', 'memory:'])).code).toBe(2)
    const missing = await docket(['import', join(dir, 'nope.jsonl'), '--store', 'memory:'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no such file')
    const scheme = await docket(['export', '--store', 'mysql://x'])
    expect(scheme.code).toBe(2)
    expect(scheme.stderr).toContain('invalid store URL')
  })
})
