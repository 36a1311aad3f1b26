/**
 * A query read over a named portal of the extended protocol, as a pg
 * submittable (`client.query(submittable)`): fetched `batch` rows at a time,
 * with the next batch requested as soon as the previous one arrives (so the
 * server produces rows while the reader decodes them).
 *
 * Consistency: the portal lives in the implicit transaction of the extended
 * protocol until its Sync, so the whole read sees one snapshot. The price is
 * one connection (and one snapshot) held for the length of the read.
 *
 * Memory: besides the batch being handed out, at most two batches are received
 * or requested (`WINDOW`); both requests may be queued on the server at once,
 * so that it goes from one batch to the next without waiting for the reader.
 * The consumer pulls: the portal is only executed again when it does.
 *
 * Rows are read from the socket by `pgRowReader.ts` when the connection has
 * one (a connection without `stream` reads through the driver); the driver's
 * own path (`handleDataRow`) stays the fallback and gives the same rows. The
 * takeover happens when the query is submitted, on an idle connection, so
 * the driver holds no half-read message then.
 *
 * Not a general cursor: parameters must be strings (no value preparation),
 * rows have exactly the three text columns position, revision and body; and
 * not the events (`pgStream.ts` makes those of the batches).
 */
import type pg from 'pg'
import { RowReader } from './pgRowReader.js'

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
