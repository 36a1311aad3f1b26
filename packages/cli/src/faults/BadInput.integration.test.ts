/**
 * Fault suite — bad input: generated malformed lines (fast-check; 10,000 and
 * more) and malformed commands. Each gives a typed error naming its line and
 * field path, never an uncaught exception; a file with one bad line stores
 * nothing in a real store (PostgreSQL, sealed); a command the decider rejects
 * writes nothing.
 */
import { PostgresEventStore } from '@docket/adapters/postgres'
import {
  CaseCommand,
  Clock,
  CommandHandler,
  DecodeError,
  type EventStore,
  Import,
  Integrity,
  Jsonl,
} from '@docket/core'
import { Services } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the fault suite (malformed input against a real store)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

const valid = (i: number, caseId = `case-${i % 5}`): Record<string, unknown> => ({
  id: `e-${i}`,
  type: 'ContentReported',
  caseId,
  occurredAt: '2026-06-01T22:30:00-04:00',
  data: {
    reportId: `r-${i}`,
    channel: 'web_form',
    category: 'ncii',
    content: { ref: `post-${i}`, kind: 'image' },
    jurisdictions: ['US'],
  },
})

/** One way to break a valid event, with the path its error must name ('' for the line as a whole). */
const breakage: fc.Arbitrary<{ readonly line: (i: number) => string; readonly path: string }> = fc.oneof(
  fc.constantFrom('id', 'type', 'caseId', 'occurredAt', 'data').map((field) => ({
    path: field,
    line: (i: number) => {
      const { [field]: _gone, ...rest } = valid(i)
      return JSON.stringify(rest)
    },
  })),
  fc
    .constantFrom('2026-06-01T22:30:00', '2026-13-01T00:00:00Z', 'yesterday', '', '2026-06-01 22:30')
    .map((t) => ({
      path: 'occurredAt',
      line: (i: number) => JSON.stringify({ ...valid(i), occurredAt: t }),
    })),
  fc.constantFrom('web', 'EMAIL', '', 'in app').map((c) => ({
    path: 'data.channel',
    line: (i: number) => JSON.stringify({ ...valid(i), data: { ...(valid(i).data as object), channel: c } }),
  })),
  fc
    .oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }))
    .map((v) => ({
      path: 'data.content.ref',
      line: (i: number) =>
        JSON.stringify({
          ...valid(i),
          data: { ...(valid(i).data as object), content: { ref: v, kind: 'image' } },
        }),
    })),
  fc.stringMatching(/^[A-Z][a-zA-Z]{2,12}$/).map((t) => ({
    path: 'type',
    line: (i: number) => JSON.stringify({ ...valid(i), type: `${t}Happened` }),
  })),
  fc.integer({ min: 1, max: 60 }).map((cut) => ({
    path: '',
    line: (i: number) => JSON.stringify(valid(i)).slice(0, cut),
  })),
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer())).map((v) => ({
    path: '',
    line: () => JSON.stringify(v),
  })),
)

describe('fault suite: malformed lines and commands give typed errors with paths', () => {
  it('10,000 generated malformed lines: each a DecodeError naming its line and path, never a throw', () => {
    let checked = 0
    fc.assert(
      fc.property(breakage, fc.nat(1000), (b, i) => {
        const text = b.line(i)
        const r = Jsonl.decodeLine(text, i + 1)
        expect(E.isLeft(r)).toBe(true)
        if (E.isLeft(r)) {
          expect(r.left._tag).toBe('DecodeError')
          expect(r.left.line).toBe(i + 1)
          expect(r.left.issues.length).toBeGreaterThan(0)
          if (b.path !== '')
            expect(r.left.issues.map((x) => x.path).some((p) => p.startsWith(b.path))).toBe(true)
          expect(DecodeError.format(r.left)).toContain(`line ${i + 1}`)
        }
        checked++
      }),
      { numRuns: 10_000, seed: 20261125 },
    )
    expect(checked).toBe(10_000)
  })

  it('arbitrary JSON as a command: a typed decode error or a command, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            type: fc.constantFrom(...CaseCommand.COMMAND_TYPES),
            caseId: fc.string(),
            data: fc.jsonValue(),
          }),
        ),
        (u) => {
          const r = CaseCommand.decode(u)
          if (E.isLeft(r)) {
            expect(r.left._tag).toBe('DecodeError')
            expect(r.left.issues.length).toBeGreaterThan(0)
          }
        },
      ),
      { numRuns: 3000, seed: 20261125 },
    )
  })
})

describe.skipIf(!run)('fault suite: malformed input never writes to PostgreSQL', { timeout: 120_000 }, () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  const schema = `docket_faults_bad_${process.pid}`
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })
  const rows = async (): Promise<number> =>
    (await admin.query(`SELECT count(*)::int AS n FROM "${schema}".events`)).rows[0].n

  it('a file with one bad line anywhere stores nothing, and names that line', async () => {
    const raw = await PostgresEventStore.make(url, { schema, max: 2 })
    const store: EventStore.EventStore = Integrity.sealed(raw)
    const seeded = await Import.run(store, [JSON.stringify(valid(9000, 'seeded'))])()
    expect(E.isRight(seeded)).toBe(true)
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.nat(), breakage, async (size, at, b) => {
        const lines = Array.from({ length: size }, (_, i) => JSON.stringify(valid(i)))
        const where = at % (size + 1)
        lines.splice(where, 0, b.line(size + 1))
        const r = await Import.run(store, lines)()
        expect(E.isLeft(r) && r.left._tag).toBe('BadInput')
        if (E.isLeft(r) && r.left._tag === 'BadInput') {
          expect(r.left.errors.map((e) => e.line)).toContain(where + 1)
        }
        expect(await rows()).toBe(1)
      }),
      { numRuns: 150, seed: 20261125 },
    )
    expect((await Integrity.verify(raw.readAll())).failure).toBeNull()
    await raw.close()
  })

  it('commands the decider rejects (a released hold that was never placed…) write nothing', async () => {
    const raw = await PostgresEventStore.make(url, { schema, max: 2 })
    const store = Integrity.sealed(raw)
    const clock = Clock.fixed(Date.UTC(2026, 5, 2))
    const report = CaseCommand.decode({
      type: 'ReportContent',
      caseId: 'held',
      eventId: 'held-r',
      occurredAt: '2026-06-01T10:00:00Z',
      data: valid(1).data as object,
    })
    if (E.isLeft(report)) throw new Error(DecodeError.format(report.left))
    expect(E.isRight(await CommandHandler.handle(store, clock, 'held', report.right)())).toBe(true)
    const before = await rows()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          {
            caseId: 'held',
            type: 'LiftLegalHold',
            data: { holdId: 'never-placed' },
            tag: 'LegalHoldNotFound',
          },
          {
            caseId: 'held',
            type: 'ReleasePreservation',
            data: { basis: 'us-2258a/preserve' },
            tag: 'PreservationNotFound',
          },
          {
            caseId: 'held',
            type: 'AcknowledgeEscalation',
            data: { escalationId: 'nope' },
            tag: 'EscalationNotRaised',
          },
          {
            caseId: 'held',
            type: 'DecideAppeal',
            data: { appealId: 'a9', outcome: 'decision_upheld' },
            tag: 'AppealNotLodged',
          },
          {
            caseId: 'never-reported',
            type: 'ActionContent',
            data: { action: 'removed' },
            tag: 'CaseNotStarted',
          },
        ),
        fc.string({ minLength: 1, maxLength: 12 }),
        async (c, suffix) => {
          const decoded = CaseCommand.decode({
            type: c.type,
            caseId: c.caseId,
            eventId: `x-${suffix}`,
            occurredAt: '2026-06-01T11:00:00Z',
            data: c.data,
          })
          if (E.isLeft(decoded)) throw new Error(DecodeError.format(decoded.left))
          const r = await CommandHandler.handle(store, clock, c.caseId, decoded.right)()
          expect(E.isLeft(r) && r.left._tag === 'Rejected' && r.left.error._tag).toBe(c.tag)
        },
      ),
      { numRuns: 60, seed: 20261125 },
    )
    expect(await rows()).toBe(before)
    expect((await Integrity.verify(raw.readAll())).failure).toBeNull()
    await raw.close()
  })
})
