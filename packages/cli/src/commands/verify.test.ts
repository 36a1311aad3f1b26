import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PgliteEventStore } from '@docket/adapters/pglite'
import { Envelope, type EventStore } from '@docket/core'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'
import { make } from './verify.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-verify-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const line = (id: string, caseId: string, at: string): string =>
  JSON.stringify({ id, type: 'ExposureObserved', caseId, occurredAt: at, data: { views: 10, shares: 1 } })

/** A PGlite store in `name` of the test directory holding e-1, e-2 and e-3 of case-s, imported; its URL. */
const threeEvents = async (name: string): Promise<string> => {
  const store = `pglite:${join(dir, name)}`
  const file = join(dir, `${name}.jsonl`)
  writeFileSync(
    file,
    ['e-1', 'e-2', 'e-3'].map((id, i) => line(id, 'case-s', `2026-06-01T1${i}:00:00-04:00`)).join('\n'),
  )
  expect((await docket(['import', file, '--store', store])).code).toBe(0)
  return store
}

describe('docket verify', { timeout: 180_000 }, () => {
  it('exits 2 on bad usage', async () => {
    expect((await docket(['verify'])).code).toBe(2)
    expect((await docket(['verify', '--store', 'memory:', 'extra'])).code).toBe(2)
    expect((await docket(['verify', '--store', 'memory:', '--format', 'xml'])).code).toBe(2)
    const head = await docket(['verify', '--store', 'memory:', '--head', 'abc'])
    expect(head.code).toBe(2)
    expect(head.stderr).toContain('--head')
    expect((await docket(['verify', '--store', 'mysql://x'])).code).toBe(2)
  })

  it('refuses a PGlite directory holding no store, in every command that only reads, and creates none', async () => {
    const empty = join(dir, 'empty-dir')
    mkdirSync(empty)
    for (const [where, why] of [
      [join(dir, 'no-such-store'), 'the directory does not exist'],
      [empty, 'the directory holds no PGlite store'],
    ] as const) {
      for (const argv of [
        ['verify', '--store', `pglite:${where}`],
        ['export', '--store', `pglite:${where}`],
        ['evaluate', '--store', `pglite:${where}`],
        ['replay', '--store', `pglite:${where}`, '--quiet'],
      ]) {
        const r = await docket(argv)
        expect(r.stderr, argv.join(' ')).toContain(`no store at pglite:${where}: ${why}`)
        expect(r.code, argv.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
      }
    }
    expect(existsSync(join(dir, 'no-such-store'))).toBe(false)
    expect(readdirSync(empty)).toEqual([])
  })

  it('an empty store is intact, with the empty head', async () => {
    const r = await docket(['verify', '--store', 'memory:', '--format', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      events: 0,
      head: { events: 0, digest: '0'.repeat(64) },
    })
  })

  it('on a PGlite directory written by docket import: intact, then names the row edited behind its back', async () => {
    const store = `pglite:${join(dir, 'store')}`
    const file = join(dir, 'events.jsonl')
    writeFileSync(
      file,
      `${[
        line('e-1', 'case-a', '2026-06-01T10:00:00-04:00'),
        line('e-2', 'case-b', '2026-06-01T11:00:00-04:00'),
        line('e-3', 'case-a', '2026-06-01T12:00:00-04:00'),
        line('e-4', 'case-a', '2026-06-01T13:00:00-04:00'),
      ].join('\n')}\n`,
    )
    expect((await docket(['import', file, '--store', store])).code).toBe(0)

    const intact = await docket(['verify', '--store', store, '--format', 'json', '--checkpoint'])
    expect(intact.code).toBe(0)
    const report = JSON.parse(intact.stdout)
    expect(report).toMatchObject({ ok: true, events: 4, streams: 2, failure: null })
    expect(report.checkpoint).toEqual(report.head)
    const head = `${report.head.events}:${report.head.digest}`
    // a second checkpoint of the same history is not stored twice
    expect((await docket(['verify', '--store', store, '--checkpoint', '--head', head])).code).toBe(0)
    // a head kept elsewhere that the history no longer has: the 4 events each verify, their digest does not
    const other = await docket(['verify', '--store', store, '--head', `4:${'0'.repeat(64)}`])
    expect(other.code).toBe(1)
    expect(other.stdout).toContain('HEAD MISMATCH: the given head does not match this history')
    expect(other.stdout).not.toContain('ALTERED')
    expect(other.stdout).toContain(`  history: ${head}\n`)
    expect(other.stderr).toContain(`the given head 4:${'0'.repeat(64)} does not match the history's ${head}`)
    // a digest mistyped in its last character, as copied from a report's stamp: both shown, the typo marked
    const typo = `${head.slice(0, -1)}${head.endsWith('0') ? '1' : '0'}`
    const mistyped = await docket(['verify', '--store', store, '--head', typo])
    expect(mistyped.code).toBe(1)
    expect(mistyped.stdout).toContain(
      `  given:   ${typo}\n  history: ${head}\n${' '.repeat(11 + head.length - 1)}^`,
    )
    expect(mistyped.stdout).toContain(`(character ${head.length})`)
    // a count past the history's end: not an altered event either
    const longer = await docket(['verify', '--store', store, '--head', `40:${report.head.digest}`])
    expect(longer.code).toBe(1)
    expect(longer.stdout).toContain('The given head covers 40 sealed event(s), the history has 4')
    expect(longer.stdout).not.toContain('ALTERED')
    // in JSON, the failure names the head it was given
    const given = JSON.parse(
      (await docket(['verify', '--store', store, '--head', typo, '--format', 'json'])).stdout,
    )
    expect(given.failure).toMatchObject({ problem: 'checkpoint_mismatch', expected: { events: 4 } })

    // edit the stored JSON of e-3 (the views), as someone with database access would
    const db = new PGlite(join(dir, 'store'))
    const rows = await db.query<{ body: string; position: string }>(
      `SELECT body, position::text AS position FROM docket.events WHERE event_id = 'e-3'`,
    )
    const position = rows.rows[0]!.position
    await db.query(`UPDATE docket.events SET body = $1 WHERE event_id = 'e-3'`, [
      rows.rows[0]!.body.replace('"views":10', '"views":0'),
    ])
    await db.close()

    const altered = await docket(['verify', '--store', store])
    expect(altered.code).toBe(1)
    expect(altered.stdout).toContain(
      `ALTERED: case case-a revision 1 (event e-3, position ${position}): content altered`,
    )
    expect(altered.stderr).toContain('integrity check failed')
    const json = await docket(['verify', '--store', store, '--format', 'json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout).failure).toMatchObject({
      eventId: 'e-3',
      position,
      problem: 'content_altered',
    })
    // the auditor goes to it: the cut up to that position ends with the altered event
    const until = await docket(['verify', '--store', store, '--until', position])
    expect(until.code).toBe(1)
    expect(until.stdout).toContain(`(event e-3, position ${position})`)
  })

  it('stopped by its signal, says whether it read the whole cut or cut it short, and gives no verdict', async () => {
    const store = await threeEvents('stopped')
    // the signal comes once `after` events are read, while the store is asked for the next
    const stoppedAfter = (after: number) => {
      const stop = new AbortController()
      async function* read(events: AsyncIterable<EventStore.StoredEvent>) {
        let n = 0
        for await (const e of events) {
          yield e
          if (++n === after) stop.abort()
        }
      }
      return docket(['verify', '--store', store, '--checkpoint'], {
        commands: [make(() => ({ signal: stop.signal, read }))],
      })
    }
    // after the last event: the store had no more, the cut was read whole
    const whole = await stoppedAfter(3)
    expect(whole.code).toBe(130)
    expect(whole.stdout).toBe('')
    expect(whole.stderr).toMatch(
      /verify: stopped \(SIGINT\): read all 3 event\(s\) of the cut \(to position \d+\); stopped before the verdict: none is given and no checkpoint stored/,
    )
    // after the first: two events were left unread
    const short = await stoppedAfter(1)
    expect(short.code).toBe(130)
    expect(short.stdout).toBe('')
    expect(short.stderr).toContain(
      'verify: stopped (SIGINT): after reading 1 event(s), before the end of the cut: nothing was verified and no checkpoint stored',
    )
    // no checkpoint was stored (it would be appended): the log ends where it did, and verifies
    const end = /to position (\d+)/.exec(whole.stderr)![1]
    const after = await docket(['verify', '--store', store, '--format', 'json'])
    expect(after.code).toBe(0)
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, events: 3, position: end, checkpoint: null })
  })

  /** `e` with its views set to 0, in its stored text too: as an edit behind the store's back reads. */
  const viewsZeroed = (e: EventStore.StoredEvent): EventStore.StoredEvent => {
    const zeroed = (text: string): string => text.replace('"views":10', '"views":0')
    return {
      ...e,
      event: JSON.parse(zeroed(JSON.stringify(e.event))),
      ...(e.json === undefined ? {} : { json: zeroed(e.json) }),
    }
  }

  it('stopped once it has found a failure, reports it (exit 1); cut short, finds none in the events left unread', async () => {
    const store = await threeEvents('stopped-altered')
    const intact = JSON.parse((await docket(['verify', '--store', store, '--format', 'json'])).stdout)
    // e-2 read altered (its views changed, as an edit behind the store's back would). The signal
    // comes once `after` events are read, or (`after` 0) while the read is closed: the store's
    // cursor closing once the verification has stopped at the failure
    const stopped = (argv: ReadonlyArray<string>, after: number) => {
      const stop = new AbortController()
      async function* read(events: AsyncIterable<EventStore.StoredEvent>) {
        let n = 0
        try {
          for await (const e of events) {
            yield after === 0 && e.event.id === 'e-2' ? viewsZeroed(e) : e
            if (++n === after) stop.abort()
          }
        } finally {
          if (after === 0) stop.abort()
        }
      }
      return docket(['verify', '--store', store, ...argv], {
        commands: [make(() => ({ signal: stop.signal, read }))],
      })
    }
    const found = await stopped(['--checkpoint'], 0)
    expect(found.code, found.stderr).toBe(1)
    expect(found.stdout).toMatch(
      /^ALTERED: case case-s revision 1 \(event e-2, position \d+\): content altered/,
    )
    expect(found.stderr).toMatch(
      /verify: stopped \(SIGINT\): after finding a failure \(event e-2, position \d+\): it stands, the first of the cut whatever follows it, and is reported as without the signal \(exit 1\); no checkpoint stored/,
    )
    expect(found.stderr).toContain('integrity check failed: case case-s revision 1 (event e-2')
    const json = await stopped(['--format', 'json'], 0)
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      failure: { eventId: 'e-2', problem: 'content_altered' },
    })
    // cut short with a head of all three events: the two unread are not "removed events"
    const head = `${intact.head.events}:${intact.head.digest}`
    const short = await stopped(['--head', head], 1)
    expect(short.code).toBe(130)
    expect(short.stdout).toBe('')
    expect(short.stderr).toContain(
      'verify: stopped (SIGINT): after reading 1 event(s), before the end of the cut',
    )
    expect(short.stderr).not.toContain('integrity check failed')
  })

  it('names an event written without a seal UNSEALED, not ALTERED, and says how to adopt sealing', async () => {
    const data = join(dir, 'unsealed')
    const raw = await PgliteEventStore.make(data)
    const event = Envelope.withRecordedAt(
      JSON.parse(line('u-1', 'case-u', '2026-06-01T10:00:00-04:00')),
      '2026-06-01T14:00:00Z',
    )
    expect((await raw.append('case-u', [event], 'no_stream')())._tag).toBe('Right')
    await raw.close()
    const r = await docket(['verify', '--store', `pglite:${data}`])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^UNSEALED: case case-u revision 0 \(event u-1, position 1\): unsealed/)
    expect(r.stdout).not.toContain('ALTERED')
    expect(r.stdout).toContain('To adopt sealing, copy the store into a new one')
  })
})
