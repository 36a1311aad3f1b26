/**
 * The `EventStore` over SQL, shared by PostgreSQL and PGlite (same SQL, same
 * code path; only the `Sql` wrapper differs).
 *
 * Ordering guarantee: every append takes a per-store transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`) before reading the head, and
 * assigns positions head+1, head+2… PostgreSQL makes a transaction visible
 * before it releases its locks, so the next appender, which can only start
 * after that release, always gets higher positions than everything already
 * visible. Positions are therefore dense and become visible in order: a
 * reader that has seen position N will never later see a position below N
 * appear, so following the log with `position > last` never skips an event
 * (no gap from a slow concurrent transaction, unlike a bare sequence). The
 * price is that appends to one store are serialised; an append is a few
 * milliseconds, far above Docket's write rates, and imports batch events.
 * Inside the lock, idempotency and the expected revision are checked against
 * committed state without races.
 *
 * Reads page by position (keyset pagination on the primary key, one page
 * prefetched), so a read of millions of events holds two pages in memory and
 * never pins a connection or a snapshot for the length of the read.
 * Erasure's lookup of a subject's cases (`casesOfSubject`) reads the rows an
 * index of subject ids finds (migration 7), not the log.
 * A partitioned read (`readAll({ partition })`) adds `partition_key % count =
 * index` to the query (the key is written with each event, migration 3), so
 * the other partitions' rows stay on the server.
 * Subscriptions catch up the same way, then wait for a NOTIFY sent by each
 * append's commit, with a poll as a safety net (and as the only mechanism,
 * with backoff, while the listening connection is lost).
 */
import {
  CasePartition,
  Envelope,
  EventStore,
  Integrity,
  Observability,
  PersonalData,
  type Recorded,
} from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as Migrations from './migrations.js'
import {
  checkPosition,
  instantText,
  isTransient,
  messageOf,
  pageQuery,
  type Queryable,
  type Sql,
  sqlState,
} from './sql.js'
import { stored } from './storedEvent.js'

// model

/** Options of the SQL store. */
export interface Options {
  /** The schema holding the store's tables (default `docket`). */
  readonly schema?: string
  /** Run the migrations on open (default true); when false, open fails unless the schema is current. */
  readonly migrate?: boolean
  /** Events per page when reading (default 5000). */
  readonly pageSize?: number
  /** Longest wait between polls of a subscription, in ms (default 1000). */
  readonly pollMs?: number
  /** Most appends written together in one transaction when they arrive concurrently (default 64). */
  readonly maxGroup?: number
  /**
   * Seal every append onto its stream's chain (`Integrity`) inside the append itself, against the
   * head read under the store's lock (default false: events are stored as given). The seals are
   * those `Integrity.sealed` gives, without its read of the stream; an event that carries a seal
   * already is sealed again.
   */
  readonly seal?: boolean
}

interface Row {
  readonly position: string
  readonly revision: number
  readonly body: string
}

/**
 * The hash of a stream's last seal, from what the head query read: its `seal_hash`, or its whole body
 * when it was stored without one (before migration 4, or unsealed); `null` when it has no seal.
 */
const hashOf = (read: string | null): string | null => {
  if (read === null || /^[0-9a-f]{64}$/.test(read)) return read
  return Integrity.sealFrom(JSON.parse(read) as Recorded)?.hash ?? null
}

// constructors

/** Opens the store on `sql` (running migrations unless told not to). `onClose` releases what the caller opened. */
export const make = async (
  sql: Sql,
  options: Options & { readonly schema: string },
  onClose: () => Promise<void>,
): Promise<EventStore.EventStore> => {
  const schema = options.schema
  const s = Migrations.quote(schema)
  const pageSize = options.pageSize ?? 5000
  const pollMs = options.pollMs ?? 1000
  const appendKey = Migrations.lockKey(schema, 'append')
  const seal = options.seal === true
  const channel = `docket_${schema}`.slice(0, 63)

  if (options.migrate === false) {
    const at = await Migrations.currentVersion(sql, schema)
    if (at < Migrations.LATEST) {
      throw new Error(
        `the Docket schema ${schema} is at version ${at}, this version needs ${Migrations.LATEST}: ` +
          'open the store with migrations enabled, or apply the script from printMigrations()',
      )
    }
  } else {
    await Migrations.migrate(sql.transaction, schema)
  }

  let closed = false
  // wake-ups: a generation counter bumped on every NOTIFY, plus waiters
  let generation = 0
  let waiters: Array<() => void> = []
  const wakeAll = (): void => {
    generation++
    const ws = waiters
    waiters = []
    for (const w of ws) w()
  }
  let unlisten: (() => Promise<void>) | undefined
  let listening: Promise<boolean> | undefined
  let lastListenAttempt = Number.NEGATIVE_INFINITY
  const ensureListening = (): Promise<boolean> => {
    if (listening !== undefined) return listening
    const now = performance.now()
    if (now - lastListenAttempt < pollMs) return Promise.resolve(false)
    lastListenAttempt = now
    const attempt = sql
      .listen(channel, wakeAll, () => {
        listening = undefined
        unlisten = undefined
        wakeAll()
      })
      .then(
        (stop) => {
          if (closed) {
            void stop().catch(() => undefined)
            return false
          }
          unlisten = stop
          return true
        },
        () => {
          listening = undefined
          return false
        },
      )
    listening = attempt
    return attempt
  }

  const unavailable = (e: unknown): EventStore.StoreError =>
    EventStore.unavailable(`${sql.engine} (schema ${schema}): ${messageOf(e)}`)

  // `event` is parsed on first access: an export that writes `json` verbatim never parses
  const toStored = (r: Row): EventStore.StoredEvent => stored(r.position, r.revision, r.body)

  /**
   * Appends a group inside one transaction holding the lock, in two statements whatever its size: one
   * reads the head, the last event of every case of the group and the group's ids already stored; the
   * appends are then checked in order in memory (each sees the ones before it, exactly as if run one by
   * one); one statement inserts every accepted event and sends the NOTIFY.
   */
  const appendGroup = async (
    q: Queryable,
    group: ReadonlyArray<Pending>,
  ): Promise<ReadonlyArray<E.Either<EventStore.StoreError, EventStore.AppendResult>>> => {
    await q.query('SELECT pg_advisory_xact_lock($1::bigint)', [appendKey])
    const cases = [...new Set(group.map((p) => p.caseId))]
    const ids = [...new Set(group.flatMap((p) => p.batch.map((e) => e.id)))]
    const state = await q.query<{ head: string; streams: string; existing: string }>(
      `SELECT (SELECT coalesce(max(position), 0)::text FROM ${s}.events) AS head,
              (SELECT coalesce(json_agg(json_build_array(c.stream, l.revision, l.position::text, l.seal)), '[]')::text
                 FROM unnest($1::text[]) AS c(stream)
                 CROSS JOIN LATERAL (SELECT revision, position,
                                            ${seal ? 'coalesce(seal_hash, body)' : 'NULL'} AS seal
                                     FROM ${s}.events WHERE stream = c.stream ORDER BY revision DESC LIMIT 1) l) AS streams,
              (SELECT coalesce(json_agg(json_build_array(x.event_id, x.stream, x.body)), '[]')::text
                 FROM ${s}.events x WHERE x.event_id = ANY($2::text[])) AS existing`,
      [cases, ids],
    )
    const row = state[0]!
    let head = BigInt(row.head)
    const streams = new Map(
      (JSON.parse(row.streams) as Array<[string, number, string, string | null]>).map(
        ([c, revision, position, last]) => [c, { revision, position, hash: hashOf(last) }],
      ),
    )
    const stored = new Map<string, { readonly stream: string; readonly fingerprint: () => string }>(
      (JSON.parse(row.existing) as Array<[string, string, string]>).map(([id, stream, body]) => [
        id,
        { stream, fingerprint: () => Envelope.fingerprint(JSON.parse(body) as Recorded) },
      ]),
    )
    const rows = {
      position: [] as string[],
      stream: [] as string[],
      revision: [] as number[],
      id: [] as string[],
      type: [] as string[],
      occurredAt: [] as string[],
      recordedAt: [] as string[],
      body: [] as string[],
      partitionKey: [] as number[],
      sealHash: [] as Array<string | null>,
    }
    const results = group.map((p): E.Either<EventStore.StoreError, EventStore.AppendResult> => {
      const fresh: number[] = []
      for (const [k, e] of p.batch.entries()) {
        const r = stored.get(e.id)
        if (r === undefined) fresh.push(k)
        else if (r.stream !== p.caseId || r.fingerprint() !== Envelope.fingerprint(e)) {
          return E.left(EventStore.idempotencyConflict(e.id, p.caseId, r.stream))
        }
      }
      const last = streams.get(p.caseId)
      if (fresh.length === 0 && last !== undefined) {
        return E.right({ revision: last.revision, appended: 0, position: last.position })
      }
      const check = EventStore.checkExpected(p.caseId, p.expected, last?.revision)
      if (E.isLeft(check)) return check
      let revision = last?.revision ?? -1
      let position = ''
      let hash = last?.hash ?? null
      const key = CasePartition.key(p.caseId)
      for (const k of fresh) {
        const e = p.batch[k]!
        head += 1n
        revision += 1
        position = head.toString()
        stored.set(e.id, { stream: p.caseId, fingerprint: () => Envelope.fingerprint(e) })
        rows.position.push(position)
        rows.stream.push(p.caseId)
        rows.revision.push(revision)
        rows.id.push(e.id)
        rows.type.push(e.type)
        rows.occurredAt.push(instantText(e.occurredAt))
        rows.recordedAt.push(instantText(e.recordedAt))
        const text = p.texts[k]!
        if (typeof text === 'string') rows.body.push(text)
        else {
          const sealed = Integrity.sealedBody(text, hash)
          rows.body.push(sealed.body)
          hash = sealed.hash
        }
        rows.sealHash.push(seal ? hash : null)
        rows.partitionKey.push(key)
      }
      streams.set(p.caseId, { revision, position, hash })
      return E.right({ revision, appended: fresh.length, position })
    })
    if (rows.position.length > 0) {
      // the insert and the NOTIFY (delivered at commit) in one statement
      await q.query(
        `WITH ins AS (
           INSERT INTO ${s}.events (position, stream, revision, event_id, type, occurred_at, recorded_at, body,
                                    partition_key, seal_hash)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[],
                                $6::timestamptz[], $7::timestamptz[], $8::text[], $9::bigint[], $10::text[])
           RETURNING 1)
         SELECT pg_notify($11, $12) FROM (SELECT count(*) FROM ins) c`,
        [
          rows.position,
          rows.stream,
          rows.revision,
          rows.id,
          rows.type,
          rows.occurredAt,
          rows.recordedAt,
          rows.body,
          rows.partitionKey,
          rows.sealHash,
          channel,
          head.toString(),
        ],
      )
    }
    return results
  }

  // Group commit. Appends are serialised by the store's lock and each commit waits for its WAL flush,
  // so appends arriving while one is in flight are written together: one transaction, one lock, one
  // flush, each append checked (revision, idempotency) and answered on its own, seeing the ones before it.
  interface Pending {
    readonly caseId: string
    readonly batch: ReadonlyArray<Recorded>
    /**
     * Each event's text, written when the append is queued (while an earlier group commits): its JSON,
     * or when sealing, the parts its sealed JSON is made of once its stream's head is known.
     */
    readonly texts: ReadonlyArray<string | Integrity.Sealable>
    readonly expected: EventStore.ExpectedRevision
    readonly resolve: (r: E.Either<EventStore.StoreError, EventStore.AppendResult>) => void
  }
  const queue: Pending[] = []
  let draining = false
  const maxGroup = options.maxGroup ?? 64

  const failed = (p: Pending, e: unknown): E.Either<EventStore.StoreError, EventStore.AppendResult> =>
    // class 22: data exceptions (a timestamp PostgreSQL cannot hold…): the input, not the store
    sqlState(e)?.startsWith('22')
      ? E.left(EventStore.invalidAppend(p.caseId, messageOf(e)))
      : E.left(unavailable(e))

  /**
   * The usual group in one statement, one round trip (`append_group`, migration 2): every event id new to
   * the group and to the store, every expected revision holding. `undefined` when the function declined
   * (it then wrote nothing) or the group repeats an id: the caller runs the checked path instead.
   */
  const appendFast = async (
    group: ReadonlyArray<Pending>,
  ): Promise<ReadonlyArray<E.Either<EventStore.StoreError, EventStore.AppendResult>> | undefined> => {
    const seen = new Set<string>()
    const caseIndex = new Map<string, number>()
    const counts: number[] = []
    const keys: number[] = []
    const appends = { case: [] as number[], expected: [] as number[], prior: [] as number[] }
    const rows = {
      case: [] as number[],
      offset: [] as number[],
      id: [] as string[],
      type: [] as string[],
      occurredAt: [] as string[],
      recordedAt: [] as string[],
      body: [] as string[],
      hashed: [] as string[],
    }
    for (const p of group) {
      const x = p.expected
      if (typeof x === 'number' && !(Number.isSafeInteger(x) && x >= 0)) return undefined
      let c = caseIndex.get(p.caseId)
      if (c === undefined) {
        c = caseIndex.size + 1
        caseIndex.set(p.caseId, c)
        counts.push(0)
        keys.push(CasePartition.key(p.caseId))
      }
      appends.case.push(c)
      appends.expected.push(x === 'any' ? -1 : x === 'no_stream' ? -2 : x)
      appends.prior.push(counts[c - 1]!)
      for (const [k, e] of p.batch.entries()) {
        if (seen.has(e.id)) return undefined
        seen.add(e.id)
        rows.case.push(c)
        rows.offset.push(counts[c - 1]!++)
        rows.id.push(e.id)
        rows.type.push(e.type)
        rows.occurredAt.push(instantText(e.occurredAt))
        rows.recordedAt.push(instantText(e.recordedAt))
        const text = p.texts[k]!
        if (typeof text === 'string') rows.body.push(text)
        else {
          rows.body.push(text.bodyHead)
          rows.hashed.push(text.hashed)
        }
      }
    }
    const answer = await sql.query<{ r: string | null }>(
      seal
        ? `SELECT ${s}.append_group_sealed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) AS r`
        : `SELECT ${s}.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS r`,
      [
        appendKey,
        channel,
        [...caseIndex.keys()],
        appends.case,
        appends.expected,
        appends.prior,
        rows.case,
        rows.offset,
        rows.id,
        rows.type,
        rows.occurredAt,
        rows.recordedAt,
        // sealing: one text each, joined by U+0001, which JSON text never holds (no array escaping)
        seal ? rows.body.join('\u0001') : rows.body,
        keys,
        ...(seal ? [rows.hashed.join('\u0001')] : []),
      ],
    )
    const r = answer[0]?.r
    if (r === null || r === undefined) return undefined
    const [head, ...lasts] = r.split(',')
    let position = BigInt(head!)
    return group.map((p, i) => {
      position += BigInt(p.batch.length)
      const revision = Number(lasts[appends.case[i]! - 1]) + appends.prior[i]! + p.batch.length
      return E.right({ revision, appended: p.batch.length, position: position.toString() })
    })
  }

  const runGroup = async (group: ReadonlyArray<Pending>): Promise<void> => {
    try {
      const results = (await appendFast(group)) ?? (await sql.transaction((q) => appendGroup(q, group)))
      for (const [i, p] of group.entries()) p.resolve(results[i]!)
    } catch (e) {
      // one bad append must not fail the others: unless the store itself failed, retry each alone
      if (group.length === 1 || isTransient(e)) for (const p of group) p.resolve(failed(p, e))
      else for (const p of group) await runGroup([p])
    }
  }

  const drain = async (): Promise<void> => {
    draining = true
    try {
      while (queue.length > 0) {
        await runGroup(queue.splice(0, maxGroup))
        // let the writers just answered queue their next appends, so that they join the next group
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } finally {
      draining = false
    }
  }

  const append =
    (
      caseId: string,
      events: ReadonlyArray<Recorded>,
      expected: EventStore.ExpectedRevision,
    ): TE.TaskEither<EventStore.StoreError, EventStore.AppendResult> =>
    async () => {
      if (closed) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      const batch = EventStore.checkBatch(caseId, events)
      if (E.isLeft(batch)) return batch
      let texts: ReadonlyArray<string | Integrity.Sealable>
      try {
        texts = batch.right.map((e) => (seal ? Integrity.sealable(e) : JSON.stringify(e)))
      } catch (e) {
        // a BigInt, a cycle…: not an event's content
        return E.left(EventStore.notJson(caseId, e))
      }
      return new Promise((resolve) => {
        queue.push({ caseId, batch: batch.right, texts, expected, resolve })
        if (!draining) void drain()
      })
    }

  const readStream =
    (caseId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.StoredEvent>> =>
    async () => {
      try {
        const rows = await sql.query<Row>(
          `SELECT position::text AS position, revision, body FROM ${s}.events WHERE stream = $1 ORDER BY revision`,
          [caseId],
        )
        return E.right(rows.map(toStored))
      } catch (e) {
        return E.left(unavailable(e))
      }
    }

  /** One query on the `event_id` unique index, however many events. */
  const conflicts =
    (
      events: ReadonlyArray<Recorded>,
    ): TE.TaskEither<EventStore.StoreError, ReadonlyArray<EventStore.IdempotencyConflict>> =>
    async () => {
      if (closed) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      // an id holding NUL cannot be stored (append refuses it), and PostgreSQL text cannot carry it
      const ids = [...new Set(events.map((e) => e.id))].filter((id) => !id.includes('\u0000'))
      if (ids.length === 0) return E.right([])
      let rows: unknown[][]
      try {
        rows = await sql.queryArrays(
          `SELECT event_id, position::text, revision, body FROM ${s}.events WHERE event_id = ANY($1::text[])`,
          [ids],
        )
      } catch (e) {
        return E.left(unavailable(e))
      }
      const stored = new Map(
        rows.map((r) => [
          r[0] as string,
          toStored({ position: r[1] as string, revision: r[2] as number, body: r[3] as string }),
        ]),
      )
      return E.right(
        events.flatMap((e) => {
          const c = EventStore.conflict(e, stored.get(e.id))
          return c === undefined ? [] : [c]
        }),
      )
    }

  /**
   * The rows version 7's index finds for the subject (with those of its case, for `case:<id>`), judged
   * by `PersonalData`: the index holds every id a row may name, the store keeps the rows that name it.
   */
  const casesOfSubject =
    (subjectId: string): TE.TaskEither<EventStore.StoreError, ReadonlyArray<string>> =>
    async () => {
      if (closed) return E.left(EventStore.unavailable(`${sql.engine} store is closed`))
      const q = Migrations.subjectQuery(s, subjectId)
      try {
        const rows = await sql.queryArrays(q.text, q.params)
        return E.right(
          PersonalData.casesNaming(
            subjectId,
            rows.map((r) => JSON.parse(r[0] as string) as Recorded),
          ),
        )
      } catch (e) {
        return E.left(unavailable(e))
      }
    }

  // the query: sql.ts pageQuery
  const page = async (
    after: string,
    types: ReadonlyArray<string> | undefined,
    partition: CasePartition.Partition | undefined,
  ): Promise<Row[]> => {
    const q = pageQuery(`${s}.events`, after, pageSize, types, partition)
    const rows = await sql.queryArrays(q.text, q.params)
    return rows.map((r) => ({ position: r[0] as string, revision: r[1] as number, body: r[2] as string }))
  }

  /** Pages from `after` (up to `upTo` when given), prefetching the next page while the current one is consumed. */
  const pages = async function* (
    after: string,
    upTo: string | undefined,
    types: ReadonlyArray<string> | undefined,
    partition?: CasePartition.Partition,
  ): AsyncGenerator<ReadonlyArray<Row>> {
    // a prefetch may fail while the consumer holds the previous page: mark it handled now, it is awaited later
    const prefetch = (from: string): Promise<Row[]> => {
      const p = page(from, types, partition)
      p.catch(() => undefined)
      return p
    }
    let next: Promise<Row[]> | undefined = prefetch(after)
    while (next !== undefined) {
      let rows: Row[] = await next
      const last = rows[rows.length - 1]
      const beyond =
        upTo !== undefined && last !== undefined && EventStore.compareDecimal(last.position, upTo) >= 0
      next = rows.length < pageSize || beyond || last === undefined ? undefined : prefetch(last.position)
      if (upTo !== undefined && beyond)
        rows = rows.filter((r) => EventStore.compareDecimal(r.position, upTo) <= 0)
      if (rows.length > 0) yield rows
    }
  }

  const head = async (): Promise<EventStore.Position | undefined> =>
    (await sql.query<{ head: string | null }>(`SELECT max(position)::text AS head FROM ${s}.events`))[0]!
      .head ?? undefined

  const readAll = async function* (
    options: EventStore.ReadAllOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    const after = checkPosition(options.after)
    const partition = CasePartition.option(options.partition)
    const until = options.until === undefined ? undefined : checkPosition(options.until)
    const last = (await head()) ?? '0'
    const upTo = until === undefined || EventStore.compareDecimal(last, until) < 0 ? last : until
    for await (const rows of pages(after, upTo, options.types, partition)) {
      for (const r of rows) yield toStored(r)
    }
  }

  const wait = (ms: number, seen: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise((resolve) => {
      if (closed || signal?.aborted || generation !== seen) return resolve()
      const done = (): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      waiters.push(done)
      signal?.addEventListener('abort', done, { once: true })
    })

  const subscribe = async function* (
    options: EventStore.SubscribeOptions = {},
  ): AsyncGenerator<EventStore.StoredEvent> {
    let after = checkPosition(options.after)
    const signal = options.signal
    let backoff = 25
    while (!closed && !signal?.aborted) {
      const listened = await ensureListening()
      const seen = generation
      let got = false
      try {
        for await (const rows of pages(after, undefined, options.types)) {
          for (const r of rows) {
            if (closed || signal?.aborted) return
            yield toStored(r)
            after = r.position
            got = true
          }
        }
      } catch (e) {
        if (closed) return
        // the server went away: keep following, the pool reconnects on a later poll
        if (!isTransient(e)) throw e
        got = false
      }
      if (closed || signal?.aborted) return
      backoff = got ? 25 : Math.min(backoff * 2, pollMs)
      await wait(listened ? pollMs : backoff, seen, signal)
    }
  }

  return Observability.traceStore({
    append,
    readStream,
    conflicts,
    casesOfSubject,
    readAll,
    head,
    subscribe,
    comparePositions: EventStore.compareDecimal,
    checkpoints: {
      load: async (subscriber) => {
        const rows = await sql.query<{ position: string }>(
          `SELECT position FROM ${s}.checkpoints WHERE subscriber = $1`,
          [subscriber],
        )
        return rows[0]?.position
      },
      save: async (subscriber, position) => {
        await sql.query(
          `INSERT INTO ${s}.checkpoints (subscriber, position) VALUES ($1, $2)
           ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position, updated_at = now()`,
          [subscriber, position],
        )
      },
    },
    close: async () => {
      if (closed) return
      closed = true
      wakeAll()
      await listening?.catch(() => false)
      await unlisten?.().catch(() => undefined)
      await onClose()
    },
  })
}
