/**
 * What the parts of one SQL store share: the `Sql` handle, the schema's names (quoted, the append
 * lock's key, the NOTIFY channel), the options with their defaults, and whether the store is closed.
 * `sqlEventStore.ts` makes it once, when the store opens, and hands it to each part's factory (the
 * group commit, the reads, the wake-ups, the subscriptions, the checkpoints). It is not a store and
 * holds no mutable state: the parts that keep state (the append queue, the wake-ups) keep it in their
 * own closures, and the store alone sets `closed`.
 */
import { createHash } from 'node:crypto'
import { EventStore } from '@docket/core'
import { messageOf, type Sql } from './sql.js'
import { stored } from './storedEvent.js'

// model

/** The shared, read-only context of one SQL store. */
export interface Context {
  /** The database the store runs on. */
  readonly sql: Sql
  /** The schema holding the store's tables, as given. */
  readonly schema: string
  /** The schema quoted for SQL (`Migrations.quote`). */
  readonly s: string
  /** Events per page when reading. */
  readonly pageSize: number
  /** Longest wait between polls of a subscription, in ms. */
  readonly pollMs: number
  /** Most appends written together in one transaction. */
  readonly maxGroup: number
  /** Whether appends are sealed onto their stream's chain. */
  readonly seal: boolean
  /** The advisory lock key every append takes (`Migrations.lockKey(schema, 'append')`). */
  readonly appendKey: string
  /** The NOTIFY channel each append's commit signals. */
  readonly channel: string
  /** Whether the store has been closed. */
  readonly isClosed: () => boolean
}

/** A row of the events table as the reads select it. */
export interface Row {
  readonly position: string
  readonly revision: number
  readonly body: string
}

// operations

/**
 * The NOTIFY channel of the event store in `schema`: `docket_<schema>` when it fits PostgreSQL's 63
 * bytes (the name every earlier release used, so that their watchers and this release's writers
 * still meet), else `docketh_`, the name's first 38 bytes, `_` and 16 hex digits of its SHA-1: at
 * most 63 bytes, so PostgreSQL's truncation never gives two schemas sharing a long prefix one
 * channel. No name that fits begins with `docketh_`, and schema names are ASCII `[a-z0-9_]`
 * (`Sql.schemaProblem`), so the channel needs no quoting (PGlite's `listen` quotes none).
 */
export const channelOf = (schema: string): string => {
  const plain = `docket_${schema}`
  if (plain.length <= 63) return plain
  return `docketh_${schema.slice(0, 38)}_${createHash('sha1').update(schema).digest('hex').slice(0, 16)}`
}

/**
 * One call of the schema's append function `fn` (`append_group`, `append_group_sealed`,
 * `append_group_presealed`) with `params` as `$1…$n`: its answer, `undefined` when it declined (NULL).
 */
export const callAppend = async (
  ctx: Context,
  fn: string,
  params: ReadonlyArray<unknown>,
): Promise<string | undefined> => {
  const args = params.map((_, i) => `$${i + 1}`).join(', ')
  const answer = await ctx.sql.query<{ r: string | null }>(`SELECT ${ctx.s}.${fn}(${args}) AS r`, params)
  return answer[0]?.r ?? undefined
}

/** The store error for a failure of the database, naming the engine and the schema. */
export const unavailable = (ctx: Context, e: unknown): EventStore.StoreError =>
  EventStore.unavailable(`${ctx.sql.engine} (schema ${ctx.schema}): ${messageOf(e)}`)

/** The stored event of a row (`event` is parsed on first access: an export that writes `json` verbatim never parses). */
export const toStored = (r: Row): EventStore.StoredEvent => stored(r.position, r.revision, r.body)
