/**
 * The archive of a replay: the histories of cases that left memory (or the handles their source
 * reads them back by), each with a note of the caller's, kept on disk so that a case that
 * returns can be replayed in full. One append-only file indexed by case; taking a case back
 * forgets it. Not a store: nothing here survives the replay (`close` removes the file).
 */
import * as path from 'node:path'
import type { DocketEvent } from '@docket/core'
import { type Appender, appender } from '../internal/appender.js'
import * as Extents from '../internal/extents.js'
import { removeTemp, tempDir } from '../internal/spillDir.js'

// model

/**
 * Histories of cases that left memory, kept on disk: their events (default), or whatever the
 * caller keeps in their place (the handles a source reads them back by, `Replay.ReadBack`).
 */
export interface Archive<A = DocketEvent> {
  /** Writes a case's history and a note of the caller's (replacing any earlier copy). */
  readonly put: (caseId: string, history: ReadonlyArray<A>, note?: string) => void
  /** Reads a case's history and note back and forgets them, or `undefined` when it was never archived. */
  readonly take: (caseId: string) => Archived<A> | undefined
  readonly has: (caseId: string) => boolean
  readonly close: () => void
}

/** A history read back from an {@link Archive}, with the note written beside it (`''` when none). */
export interface Archived<A = DocketEvent> {
  readonly history: ReadonlyArray<A>
  readonly note: string
}

// constructors

/**
 * A fresh archive in a private temporary directory. Records are appended to one file through a
 * write buffer of `bufferBytes` (default 1 MiB: one write per buffer, not one per case); a record
 * still in the buffer is read from it. What it keeps is written as JSON.
 */
export const archive = <A = DocketEvent>(dir?: string, bufferBytes = 1 << 20): Archive<A> => {
  let root: string | undefined
  let file: Appender | undefined
  // a compact index (millions of dropped cases): the record names its case, to tell hash twins apart
  let index = Extents.make()
  type Record = { readonly c: string; readonly n: string; readonly h: A[] }
  const find = (caseId: string): { readonly slot: number; readonly record: Record } | undefined => {
    for (const { slot, extent } of index.candidates(caseId)) {
      const record = JSON.parse(file!.read(extent)) as Record
      if (record.c === caseId) return { slot, record }
    }
    return undefined
  }
  return {
    put: (caseId, history, note = '') => {
      const earlier = find(caseId)
      if (earlier !== undefined) index.remove(earlier.slot)
      if (file === undefined) {
        root = tempDir(dir)
        file = appender(path.join(root, 'archive.jsonl'), bufferBytes)
      }
      index.add(caseId, file.add(`${JSON.stringify({ c: caseId, n: note, h: history })}\n`))
    },
    take: (caseId) => {
      const found = find(caseId)
      if (found === undefined) return undefined
      index.remove(found.slot)
      return { history: found.record.h, note: found.record.n }
    },
    has: (caseId) => find(caseId) !== undefined,
    close: () => {
      file?.close()
      if (root !== undefined) removeTemp(root)
      file = undefined
      root = undefined
      index = Extents.make()
    },
  }
}
