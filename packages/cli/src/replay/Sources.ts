/**
 * A replay's sources that can read their events back: what a read-back is (the handle, a number,
 * of the event a source yielded last, and a way to read events back by their handles, so that a
 * case leaving memory need keep only its handles: `Replay.Options.readBack`), and the sources of
 * a store read in its global order and of events already in memory. Not the JSON Lines input,
 * which reads back by byte offset (`Input`, `internal/fileLines.ts`).
 */
import type { Recorded } from '@docket/core'
import { EventStore } from '@docket/core'

// model

/**
 * A source's way to read its events back. Most cases that leave memory never return, so keeping
 * their handles (numbers) instead of their histories saves writing every history to disk.
 */
export interface ReadBack {
  /** The handle of the event the source yielded last: a number it can read that event back by. */
  readonly handle: () => number
  /**
   * The events of `caseId` with these handles, in the order given, equal to those yielded.
   * Rejects when they cannot be read back (the source changed since, or a store failed).
   */
  readonly read: (caseId: string, handles: ReadonlyArray<number>) => Promise<ReadonlyArray<Recorded>>
  /**
   * Each read is a round trip to a server (a store). The replay then keeps only the handles of
   * dropped cases, which seldom return, and archives the histories of parked cases, which often
   * do (reading each of those back cost more than archiving it: docs/performance.md).
   */
  readonly remote?: boolean
}

/** A replay source that can read its events back: `events` for `Replay.run`, `readBack` for its options. */
export interface Source {
  readonly events: AsyncIterable<Recorded>
  readonly readBack: ReadBack
}

// constructors

/** The events of a store in its global order, as a replay source. */
export const fromStore = (store: EventStore.EventStore): AsyncIterable<Recorded> => storeSource(store).events

/**
 * The events of a store in its global order, read back by their stream revision
 * (`EventStore.readAll` with `read`: a `partition` reads only its cases' events, `until` no
 * further than a cut; `EventStore.readStream` reads back, one round trip per case read: a
 * `remote` read-back). The store must stay open until the replay ends.
 */
export const storeSource = (
  store: EventStore.EventStore,
  read: Pick<EventStore.ReadAllOptions, 'partition' | 'until'> = {},
): Source => {
  let revision = -1
  return {
    events: {
      async *[Symbol.asyncIterator]() {
        for await (const s of store.readAll(read)) {
          revision = s.revision
          yield s.event
        }
      },
    },
    readBack: {
      handle: () => revision,
      read: async (caseId, revisions) => {
        const read = await store.readStream(caseId)()
        if (read._tag === 'Left')
          throw new Error(`reading case ${caseId} back from the store: ${EventStore.describe(read.left)}`)
        const byRevision = new Map(read.right.map((s) => [s.revision, s.event]))
        return revisions.map((r) => {
          const e = byRevision.get(r)
          if (e === undefined)
            throw new Error(`reading case ${caseId} back from the store: its event at revision ${r} is gone`)
          return e
        })
      },
      remote: true,
    },
  }
}

/** Events already in memory, as a replay source read back by their index: nothing is archived. */
export const fromEvents = (events: ReadonlyArray<Recorded>): Source => {
  let index = -1
  return {
    events: {
      async *[Symbol.asyncIterator]() {
        for (index = 0; index < events.length; index++) yield events[index]!
      },
    },
    readBack: {
      handle: () => index,
      read: async (_caseId, handles) => handles.map((i) => events[i]!),
    },
  }
}
