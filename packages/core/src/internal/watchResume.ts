/**
 * Whether the escalation process manager can resume from its stored checkpoint of the cases to
 * watch, and, when it cannot, why, in its log: its obligations carry no fingerprint, resuming was
 * not asked for, the checkpoint is missing, unreadable or of another version or profile
 * (`WatchState.load`), its position is no position of this store, or it lies past the end of the
 * log (another store). Not the checkpoint's format or its saving (`WatchState`), nor taking it up:
 * that is the process manager's.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as EventStore from '../EventStore.js'
import * as PositionCheckpoint from './positionCheckpoint.js'
import * as WatchState from './watchState.js'

/** What deciding needs: the store, the process manager's name and fingerprint, and its options. */
export interface Context {
  readonly store: EventStore.EventStore
  readonly name: string
  /** What wake instants depend on besides the histories; `null`: no checkpoint can be trusted. */
  readonly fingerprint: string | null
  /** False when asked to rebuild every case from the whole log. */
  readonly resume: boolean | undefined
  readonly log: (line: string) => void
}

/** The stored checkpoint of the cases to watch when it is usable; `undefined` (said in the log) otherwise. */
export const usable = async ({
  store,
  name,
  fingerprint,
  resume,
  log,
}: Context): Promise<WatchState.State | undefined> => {
  const rebuild = 'rebuilding every case from the whole log'
  if (fingerprint === null) {
    log(`escalation: obligations without a fingerprint: no checkpoint of the cases to watch; ${rebuild}`)
    return
  }
  if (resume === false) {
    log(`escalation: not resuming from a checkpoint (asked); ${rebuild}`)
    return
  }
  const loaded = await WatchState.load(store.checkpoints, name, fingerprint)
  if (E.isLeft(loaded)) {
    log(`escalation: ${WatchState.describe(loaded.left)}; ${rebuild}`)
    return
  }
  const notPosition = PositionCheckpoint.notPosition(store, loaded.right.position)
  if (notPosition !== undefined) {
    log(
      `escalation: the checkpoint of the cases to watch is not usable (its position ${JSON.stringify(loaded.right.position)} is not a position of this store: ${notPosition}); ${rebuild}`,
    )
    return
  }
  const head = await store.head()
  let ahead: boolean
  try {
    ahead = head === undefined || store.comparePositions(loaded.right.position, head) > 0
  } catch {
    ahead = true
  }
  if (ahead) {
    log(
      `escalation: the checkpoint of the cases to watch is past the end of the log (position ${loaded.right.position}; another store?); ${rebuild}`,
    )
    return
  }
  return loaded.right
}
