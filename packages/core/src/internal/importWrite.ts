/**
 * The writing half of `Import`: good lines appended per case, in file order, consecutive lines
 * of one case in one append (at most `size`), expected revision `'any'`. Lines are added one at
 * a time, so at most one batch of events is held. Not the check of which lines are good
 * (`internal/importCheck.ts`).
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as EventStore from '../EventStore.js'
import type { StoreFailed } from '../Import.js'
import type { Pending } from './importCheck.js'

// model

/** What the appends so far did. */
export interface Written {
  readonly appended: number
  readonly duplicates: number
  readonly cases: number
}

// operations

const culprit = (batch: ReadonlyArray<Pending>, error: EventStore.StoreError): Pending => {
  const id = error._tag === 'IdempotencyConflict' ? error.eventId : undefined
  return batch.find((l) => l.event.id === id) ?? batch[0]!
}

/**
 * A writer into `store`: `add` each good line in file order (it appends the batch before it when
 * the case changes or the batch is full), then `finish`. Left: an append failed or was refused.
 */
export const writer = (store: EventStore.EventStore, size: number) => {
  let appended = 0
  let duplicates = 0
  const cases = new Set<string>()
  let batch: Pending[] = []
  const flush = async (): Promise<E.Either<StoreFailed, void>> => {
    if (batch.length === 0) return E.right(undefined)
    const lines = batch
    batch = []
    const caseId = lines[0]!.event.caseId
    const result = await store.append(
      caseId,
      lines.map((l) => l.event),
      'any',
    )()
    if (E.isLeft(result)) {
      const at = culprit(lines, result.left)
      return E.left({
        _tag: 'StoreFailed',
        line: at.line,
        eventId: at.event.id,
        caseId,
        error: result.left,
        appended,
        duplicates,
      })
    }
    cases.add(caseId)
    appended += result.right.appended
    duplicates += lines.length - result.right.appended
    return E.right(undefined)
  }
  const flushes = (l: Pending): boolean =>
    batch.length > 0 && (batch[0]!.event.caseId !== l.event.caseId || batch.length >= size)
  return {
    /** Whether adding `l` appends the batch before it. */
    flushes,
    /** Adds a good line, appending the batch before it when `l` starts a new one. */
    add: async (l: Pending): Promise<E.Either<StoreFailed, void>> => {
      const before = flushes(l) ? await flush() : E.right(undefined)
      batch.push(l)
      return before
    },
    /** Whether a batch waits to be appended. */
    holds: (): boolean => batch.length > 0,
    /** Appends the last batch. */
    finish: flush,
    written: (): Written => ({ appended, duplicates, cases: cases.size }),
  }
}
