/**
 * A streaming read of the PostgreSQL log: one query over a named portal,
 * fetched `batch` rows at a time with the next batch requested as soon as the
 * previous one arrives (so the server produces rows while the reader decodes
 * them). It replaces keyset paging for `readAll` on PostgreSQL: paging plans
 * and runs a new query per page, and its round trips left the reader idle
 * half the time (about 100,000 rows per second with 20,000-row pages, against
 * several hundred thousand streamed; see docs/performance.md).
 *
 * Consistency: the portal lives in the implicit transaction of the extended
 * protocol until its Sync, so the whole read sees one snapshot: it ends at the
 * head committed when it started, as `readAll` promises. The price is one
 * connection (and one snapshot) held for the length of the read; subscriptions
 * still page, since they follow the log for ever.
 *
 * Memory: besides the batch being handed out, at most two batches are received
 * or requested (`WINDOW`); both requests may be queued on the server at once,
 * so that it goes from one batch to the next without waiting for the reader.
 * The consumer pulls: the portal is only executed again when it does.
 *
 * Rows: while the portal runs, the reader takes the connection's socket from
 * the driver and reads the rows itself (`RowReader`): a row is three slices
 * of the socket's bytes (position and revision as text, the body as UTF-8),
 * without the driver's message object, field array and event dispatch per
 * row, which were most of the read's own cost. Every other message (the end
 * of the rows, an error, a notice) is handed to the driver as it would have
 * received it, and the socket is given back to the driver at the end of the
 * rows or at the first message it does not expect. The driver's own path
 * (`handleDataRow`) stays the fallback and gives the same rows. This leans on
 * two details of `pg` 8: the connection's `stream`, and its parser being that
 * socket's `'data'` listener (a connection without `stream` reads through the
 * driver). The takeover happens when the query is submitted, on an idle
 * connection, so the driver holds no half-read message then.
 *
 * Not a general cursor: parameters must be strings (no value preparation),
 * rows have exactly the three text columns position, revision and body.
 */
import { CasePartition, type EventStore } from '@docket/core'
import type pg from 'pg'
import { checkPosition, filteredFrom } from './sql.js'
import { stored } from './storedEvent.js'

// model

/** A row as the protocol delivers it: one text (or null) per column. */
export type TextRow = ReadonlyArray<string | null>

/** The subset of pg's internal `Connection` a submittable drives. */
interface Connection {
  /** The socket (a `net.Socket`, or a TLS socket over it). */
  readonly stream?: NodeJS.EventEmitter
  parse: (q: { text: string }, more: boolean) => void
  bind: (q: { portal: string; values: ReadonlyArray<unknown> }, more: boolean) => void
  describe: (q: { type: 'P'; name: string }, more: boolean) => void
  execute: (q: { portal: string; rows: number }, more: boolean) => void
  close: (q: { type: 'P'; name: string }, more: boolean) => void
  flush: () => void
  sync: () => void
}

/**
 * A batch of rows, flat: position (text), revision (number), body (text), then
 * the next row's three values… (one array per batch rather than one per row).
 */
type Batch = Array<string | number>

let nextPortal = 0

/** Most batches received and not yet handed out, or requested and not yet received. */
const WINDOW = 2

// internal: reading rows from the socket

const DATA_ROW = 0x44 // 'D'
const PORTAL_SUSPENDED = 0x73 // 's'
const PARSE_COMPLETE = 0x31 // '1'
const BIND_COMPLETE = 0x32 // '2'
const ROW_DESCRIPTION = 0x54 // 'T'

type Listener = (chunk: Buffer) => void

/** Where a `RowReader` delivers what it reads. */
export interface RowSink {
  /** A row: position and body as text, revision as a number. */
  readonly push: (position: string, revision: number, body: string) => void
  /** The portal stopped after the rows asked for. */
  readonly handlePortalSuspended: () => void
}

/** Node's slicing decoders of `Buffer` (what `toString(encoding, start, end)` calls after its checks). */
interface Slicing {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

/**
 * Reads the portal's rows straight from the socket (see the module header).
 * Messages are 1 code byte, a 4-byte length (counting itself) and the body; a
 * message cut between two chunks is kept until it is whole. Exported for its
 * tests.
 */
export class RowReader {
  private readonly driver: ReadonlyArray<Listener>
  private parts: Buffer[] = []
  private held = 0
  /** The whole length of the held message, 0 until its length is known. */
  private need = 0
  private attached = true

  constructor(
    private readonly stream: NodeJS.EventEmitter,
    private readonly portal: RowSink,
  ) {
    this.driver = stream.listeners('data') as Listener[]
    // ours first, then the driver's off: the socket always has a 'data' listener, so it never pauses
    stream.on('data', this.onData)
    for (const l of this.driver) stream.removeListener('data', l)
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.attached) return
    let buf = chunk
    let o = 0
    if (this.held > 0) {
      if (this.need === 0) {
        // fewer than 5 bytes held (the length was cut): join them to this chunk
        buf = Buffer.concat([...this.parts, chunk])
        this.release()
      } else {
        // complete the message cut at the end of the previous chunk, then read this chunk in place
        const want = this.need - this.held
        if (chunk.length < want) {
          this.hold(chunk)
          return
        }
        this.parts.push(chunk.subarray(0, want))
        const head = Buffer.concat(this.parts, this.need)
        this.release()
        if (!this.message(head, 0)) {
          this.detach(Buffer.concat([head, chunk.subarray(want)]))
          return
        }
        o = want
      }
    }
    const end = buf.length
    while (end - o >= 5) {
      const next = o + 1 + buf.readUInt32BE(o + 1)
      if (next > end) break
      if (!this.message(buf, o)) {
        this.detach(buf.subarray(o))
        return
      }
      o = next
    }
    if (o < end) this.hold(buf.subarray(o))
  }

  /** Keeps the start of a message cut by the end of a chunk (`need` is its whole length once known). */
  private hold(part: Buffer): void {
    this.parts.push(part)
    this.held += part.length
    if (this.need === 0 && this.held >= 5) {
      const start = this.parts.length === 1 ? part : Buffer.concat(this.parts, this.held)
      this.need = 1 + start.readUInt32BE(1)
    }
  }

  /** Forgets what was held. */
  private release(): { parts: Buffer[]; held: number } {
    const was = { parts: this.parts, held: this.held }
    this.parts = []
    this.held = 0
    this.need = 0
    return was
  }

  /** Handles the whole message at `o`; false when it is the driver's (the reader then gives the socket back). */
  private message(buf: Buffer, o: number): boolean {
    const code = buf[o]!
    if (code === DATA_ROW) return this.row(buf as Buffer & Slicing, o + 5)
    if (code === PORTAL_SUSPENDED) this.portal.handlePortalSuspended()
    // anything else (the end of the rows, an error, a notice…) is the driver's, from that message on
    else if (code !== PARSE_COMPLETE && code !== BIND_COMPLETE && code !== ROW_DESCRIPTION) return false
    return true
  }

  /** Reads the row whose fields start at `at`; false when it is not three non-null fields. */
  private row(buf: Buffer & Slicing, at: number): boolean {
    if (buf.readUInt16BE(at) !== 3) return false
    let o = at + 2
    const pLen = buf.readInt32BE(o)
    o += 4
    if (pLen < 1) return false
    const position = buf.latin1Slice(o, o + pLen)
    o += pLen
    const rLen = buf.readInt32BE(o)
    o += 4
    if (rLen < 1) return false
    let revision = 0
    for (let i = o, e = o + rLen; i < e; i++) revision = revision * 10 + (buf[i]! - 48)
    o += rLen
    const bLen = buf.readInt32BE(o)
    o += 4
    if (bLen < 0) return false
    this.portal.push(position, revision, buf.utf8Slice(o, o + bLen))
    return true
  }

  /** Gives the socket back to the driver, with the bytes it has not read yet. */
  detach(rest?: Buffer): void {
    if (!this.attached) return
    this.attached = false
    for (const l of this.driver) this.stream.on('data', l)
    this.stream.removeListener('data', this.onData)
    if (this.held > 0) {
      const was = this.release()
      const held = Buffer.concat(was.parts, was.held)
      rest = rest === undefined ? held : Buffer.concat([held, rest])
    }
    if (rest !== undefined && rest.length > 0) for (const l of this.driver) l(rest)
  }
}

// internal: a submittable (pg's `client.query(submittable)` protocol)

class Portal {
  private connection: Connection | undefined
  private reader: RowReader | undefined
  private readonly name = `docket_read_${++nextPortal}`
  private current: Batch = []
  private readonly ready: Batch[] = []
  /** Executes sent and not answered yet. */
  private inFlight = 0
  private complete = false
  /** ReadyForQuery received (or the query failed): the connection is free again. */
  done = false
  error: unknown
  private wake: (() => void) | undefined

  constructor(
    private readonly text: string,
    private readonly values: ReadonlyArray<unknown>,
    private readonly batch: number,
  ) {}

  submit(connection: Connection): void {
    this.connection = connection
    if (connection.stream !== undefined) this.reader = new RowReader(connection.stream, this)
    connection.parse({ text: this.text }, true)
    connection.bind({ portal: this.name, values: this.values }, true)
    connection.describe({ type: 'P', name: this.name }, true)
    this.fill()
  }

  /**
   * Requests batches until `WINDOW` are received or requested: several Executes queued on the portal, so
   * the server goes from one batch to the next without waiting for the reader's next request (never after
   * the end or a cancel: an Execute sent behind the Close and Sync would fail on the closed portal and
   * leave the connection waiting for a Sync, so the next query on that pooled client would hang).
   */
  private fill(): void {
    if (this.complete || this.ready.length + this.inFlight >= WINDOW) return
    while (this.ready.length + this.inFlight < WINDOW) {
      this.inFlight++
      this.connection!.execute({ portal: this.name, rows: this.batch }, true)
    }
    this.connection!.flush()
  }

  private notify(): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  /** A row, from the reader or from the driver. */
  push(position: string, revision: number, body: string): void {
    this.current.push(position, revision, body)
  }

  handleRowDescription(): void {}

  handleDataRow(msg: { fields: TextRow }): void {
    const f = msg.fields
    this.push(f[0]!, Number(f[1]), f[2]!)
  }

  handlePortalSuspended(): void {
    this.inFlight--
    if (this.complete) {
      // after a cancel: nobody reads these rows
      this.current = []
      return
    }
    this.ready.push(this.current)
    this.current = []
    this.fill()
    this.notify()
  }

  handleCommandComplete(): void {
    this.reader?.detach()
    this.inFlight--
    // once only: a cancel already closed the portal, or this answers an Execute queued behind the end
    // (a second Close and Sync would give a second ReadyForQuery, taken by the client's next query)
    if (this.complete) return
    if (this.current.length > 0) this.ready.push(this.current)
    this.current = []
    this.complete = true
    this.connection!.close({ type: 'P', name: this.name }, true)
    this.connection!.sync()
    this.notify()
  }

  handleEmptyQuery(): void {
    this.connection!.sync()
  }

  handleReadyForQuery(): void {
    this.reader?.detach()
    this.done = true
    this.notify()
  }

  handleError(error: unknown): void {
    this.reader?.detach()
    this.error = error
    this.done = true
    // the server skips to the next Sync after an error; a dead socket ignores this
    try {
      this.connection?.sync()
    } catch {
      // the connection is gone: the pool discards the client
    }
    this.notify()
  }

  /** The next batch, or `undefined` at the end; throws the query's error. */
  async next(): Promise<Batch | undefined> {
    for (;;) {
      if (this.error !== undefined) throw this.error
      const rows = this.ready.shift()
      if (rows !== undefined) {
        this.fill()
        return rows
      }
      if (this.complete || this.done) return undefined
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }

  /** Stops early: closes the portal and waits until the connection is free. */
  async cancel(): Promise<void> {
    if (this.done) return
    if (!this.complete) {
      this.complete = true
      // a pending Execute is answered first (PortalSuspended or CommandComplete), then Close and Sync
      this.connection!.close({ type: 'P', name: this.name }, true)
      this.connection!.sync()
    }
    while (!this.done) {
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }
}

// operations

/**
 * Streams the rows (position, revision, body) of `text` in batches of `batch` rows, on a client checked out
 * of `pool` for the read; each batch is flat (see `Batch`).
 */
export async function* rows(
  pool: pg.Pool,
  text: string,
  values: ReadonlyArray<unknown>,
  batch: number,
): AsyncGenerator<ReadonlyArray<string | number>> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (e: Error): void => {
    broken = e
  }
  client.on('error', onError)
  const portal = new Portal(text, values, batch)
  try {
    client.query(portal as unknown as pg.Submittable)
    for (;;) {
      const got = await portal.next()
      if (got === undefined) return
      if (got.length > 0) yield got
    }
  } catch (e) {
    broken = e instanceof Error ? e : new Error(String(e))
    throw e
  } finally {
    if (broken === undefined) await portal.cancel().catch(() => undefined)
    client.removeListener('error', onError)
    // a client whose read failed or stopped mid-way is discarded rather than reused
    client.release(broken ?? (portal.done ? undefined : new Error('read abandoned')))
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true as const })

/**
 * The events of a stream of batches, one by one. Hand-written rather than an
 * async generator: an event already received is returned as a resolved
 * promise, without resuming a generator (about a tenth of the read's CPU).
 * Calls that must wait (the next batch, `return`) are chained, so that calls
 * made without awaiting the previous one still get the events in order.
 */
class Events implements AsyncIterableIterator<EventStore.StoredEvent> {
  private batch: ReadonlyArray<string | number> = []
  private i = 0
  private source: AsyncGenerator<ReadonlyArray<string | number>> | undefined
  private pending: Promise<unknown> | undefined
  private finished = false

  constructor(private readonly open: () => AsyncGenerator<ReadonlyArray<string | number>>) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<EventStore.StoredEvent, undefined>> {
    if (this.pending === undefined) {
      const b = this.batch
      const i = this.i
      if (i < b.length) {
        this.i = i + 3
        return Promise.resolve({
          value: stored(b[i] as string, b[i + 1] as number, b[i + 2] as string),
          done: false,
        })
      }
    }
    return this.chain(() => this.refill())
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    return this.chain(async () => {
      this.finished = true
      this.batch = []
      await this.source?.return(undefined)
      return DONE
    })
  }

  private chain<A>(f: () => Promise<A>): Promise<A> {
    const before = this.pending
    const p = before === undefined ? f() : before.then(f, f)
    this.pending = p
    const settled = (): void => {
      if (this.pending === p) this.pending = undefined
    }
    p.then(settled, settled)
    return p
  }

  private async refill(): Promise<IteratorResult<EventStore.StoredEvent, undefined>> {
    for (;;) {
      const b = this.batch
      const i = this.i
      if (i < b.length) {
        this.i = i + 3
        return { value: stored(b[i] as string, b[i + 1] as number, b[i + 2] as string), done: false }
      }
      if (this.finished) return DONE
      let r: IteratorResult<ReadonlyArray<string | number>>
      try {
        this.source ??= this.open()
        r = await this.source.next()
      } catch (e) {
        this.finished = true
        throw e
      }
      if (r.done === true) {
        this.finished = true
        return DONE
      }
      this.batch = r.value
      this.i = 0
    }
  }
}

/** The query of {@link readAll} on `table`: its text and its parameters, all strings (see the module header). */
export const readAllQuery = (
  table: string,
  options: EventStore.ReadAllOptions,
): { readonly text: string; readonly values: ReadonlyArray<string> } => {
  // parameters are strings (see the module header)
  const bounds = [checkPosition(options.after)]
  if (options.until !== undefined) bounds.push(checkPosition(options.until))
  const where =
    options.until === undefined ? 'e.position > $1' : 'e.position > $1 AND e.position <= $2::bigint'
  const q = filteredFrom(table, where, bounds, {
    partition: CasePartition.option(options.partition),
    types: options.types,
  })
  return {
    text: `SELECT e.position::text, e.revision::text, e.body FROM ${q.from} ORDER BY e.position`,
    values: q.params,
  }
}

/** `readAll` of the SQL store, streamed over one portal (see the module header). */
export const readAll =
  (
    pool: pg.Pool,
    table: string,
    batch: number,
  ): ((options?: EventStore.ReadAllOptions) => AsyncIterable<EventStore.StoredEvent>) =>
  (options = {}) =>
    new Events(() => {
      const q = readAllQuery(table, options)
      return rows(pool, q.text, q.values, batch)
    })
