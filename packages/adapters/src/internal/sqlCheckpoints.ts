/**
 * Checkpoints: where each named subscriber got to in the log, one row per subscriber in the schema's
 * `checkpoints` table, saved by the subscriber after it has handled the events up to that position.
 * It is not the integrity checkpoints (`Integrity`, which are events in the log) nor a lock: two
 * processes saving under one name overwrite each other.
 */
import { EventStore } from '@docket/core'
import type { Context } from './sqlContext.js'

// constructors

/** The checkpoints of the store of `ctx`. */
export const make = (ctx: Context): EventStore.CheckpointStore => {
  const { sql, s } = ctx
  return EventStore.checkedCheckpoints({
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
  })
}
