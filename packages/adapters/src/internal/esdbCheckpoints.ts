/**
 * Checkpoints: where each named subscriber got to in the log, the last event of the stream
 * `docket-checkpoint-<subscriber>` (only the recent ones are kept: the stream's `maxCount` is set
 * when it is created), saved by the subscriber after it has handled the events up to that
 * position. It is not the integrity checkpoints (`Integrity`, which are events in the log) nor a
 * lock: two processes saving under one name overwrite each other.
 */
import { EventStore } from '@docket/core'
import { ANY, jsonEvent } from '@eventstore/db-client'
import { type Context, readLast } from './esdbContext.js'
import { checkpointStream } from './esdbMapping.js'

// constructors

/** The checkpoints of the store of `ctx`. */
export const make = (ctx: Context): EventStore.CheckpointStore => {
  const { client, namespace } = ctx
  return EventStore.checkedCheckpoints({
    load: async (subscriber) => {
      const last = await readLast(ctx, checkpointStream(subscriber, namespace))
      return last === undefined ? undefined : (last.data as { position: string }).position
    },
    save: async (subscriber, position) => {
      const r = await client.appendToStream(
        checkpointStream(subscriber, namespace),
        jsonEvent({ type: 'docket-checkpoint', data: { subscriber, position } }),
        { expectedRevision: ANY },
      )
      // keep only recent checkpoints: set once, when the stream is created
      if (r.nextExpectedRevision === 0n) {
        await client
          .setStreamMetadata(checkpointStream(subscriber, namespace), { maxCount: 10 })
          .catch(() => undefined)
      }
    },
  })
}
