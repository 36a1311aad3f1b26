/**
 * `Import.runTwice`'s two reads of an input that can be read again (a file): the first decodes
 * each line and asks the store about each new content as it comes, keeping per event id only
 * its contents (a key and a first line each) and which contents the store refuses; the second
 * decodes the same lines again, decides each with `importCheck.decide` (the decision
 * `Import.run` makes) and appends the good ones with `importWrite.writer`. No event is held
 * beyond the store call or the append it waits for.
 *
 * The second read must find the input the first read checked. Each line is compared as it
 * comes: a line that decoded and no longer does (or the reverse), or whose event is not a
 * content of its id seen by then, stops the import before that line and the batch it would
 * join are written. The whole sequence of lines (numbers and contents, in order) is compared
 * before the last append. `changed`, when given, is asked before the second read and before
 * each append; `signal`, when aborted, stops the import at the same points (and at each line of
 * the first read) with `Interrupted`, once the appends in flight have finished.
 */
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import * as DecodeError from '../DecodeError.js'
import { withImportedRecordedAt } from '../Envelope.js'
import type * as EventStore from '../EventStore.js'
import type { InputChanged, Interrupted, Progress, TwiceError } from '../Import.js'
import * as Jsonl from '../Jsonl.js'
import { anyBad, asker, type Contents, contentOf, decide, key, storeFailed } from './importCheck.js'
import { type Written, writer } from './importWrite.js'

// model

/** How to read and write. */
export interface Plan {
  readonly open: () => Jsonl.Input
  readonly decode: Jsonl.DecodeOptions
  readonly skipBad: boolean
  /** Most bad lines a `BadInput` lists (the others counted); ignored with `skipBad`, which lists all. */
  readonly maxErrors: number
  readonly batchSize: number
  readonly checkBatch: number
  readonly changed: () => string | undefined
  readonly signal?: AbortSignal
  readonly onProgress?: (p: Progress) => void
  readonly progressEvery: number
}

/** What a complete import read and wrote, and the bad lines it left out (line order). */
export interface Done {
  readonly read: number
  readonly written: Written
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
}

// operations

/** Reads `plan.open()` twice: checks every line, then writes the good ones (or reports the bad). */
export const run = async (store: EventStore.EventStore, plan: Plan): Promise<E.Either<TwiceError, Done>> => {
  // first read: decode errors by line, the contents of each id, what the store refuses
  let read = 0
  const decodeErrors: DecodeError.DecodeError[] = []
  const failed = new Set<number>()
  const kept = plan.skipBad ? Number.POSITIVE_INFINITY : plan.maxErrors
  const byId: Contents = new Map()
  const ask = asker(store, plan.checkBatch)
  const seen = createHash('sha256')
  const interrupted = (): boolean => plan.signal?.aborted === true
  const checking = (done: boolean): void =>
    plan.onProgress?.({ phase: 'checking', lines: read, total: null, appended: 0, duplicates: 0, done })
  for await (const r of Jsonl.decodeLines(plan.open(), plan.decode)) {
    if (interrupted()) return E.left({ _tag: 'Interrupted', line: 0, appended: 0, duplicates: 0 })
    read++
    if (read % plan.progressEvery === 0) checking(false)
    if (E.isLeft(r)) {
      // the first `kept` in line order are listed; the line numbers of all are kept (8 bytes each)
      if (decodeErrors.length < kept) decodeErrors.push(r.left)
      failed.add(r.left.line ?? 0)
      seen.update(`${r.left.line}!\n`)
      continue
    }
    const event = withImportedRecordedAt(r.right.event)
    const k = key(event)
    seen.update(`${r.right.line}:${k}\n`)
    const { content, isNew } = contentOf(byId, event, k, r.right.line)
    if (isNew) {
      const asked = await ask.add(content, { line: r.right.line, event })
      if (E.isLeft(asked)) return E.left(storeFailed(asked.left))
    }
  }
  const finished = await ask.finish()
  if (E.isLeft(finished)) return E.left(storeFailed(finished.left))
  checking(true)
  const writing = plan.skipBad || (decodeErrors.length === 0 && !anyBad(byId, ask.refused))

  // second read: the same lines, each decided as Import.run decides, the good ones written
  const w = writer(store, plan.batchSize)
  let count = 0
  const storing = (done: boolean): void => {
    const { appended, duplicates } = w.written()
    plan.onProgress?.({ phase: 'storing', lines: count, total: read, appended, duplicates, done })
  }
  const stop = async (line: number, reason: string): Promise<E.Either<InputChanged, never>> => {
    await w.settle()
    const { appended, duplicates } = w.written()
    return E.left({ _tag: 'InputChanged', line, reason, appended, duplicates })
  }
  const interrupt = async (line: number): Promise<E.Either<Interrupted, never>> => {
    await w.settle()
    const { appended, duplicates } = w.written()
    return E.left({ _tag: 'Interrupted', line, appended, duplicates })
  }
  if (interrupted()) return interrupt(0)
  const before = plan.changed()
  if (before !== undefined) return stop(0, before)
  const contentErrors: DecodeError.DecodeError[] = []
  let contentBad = 0
  const again = createHash('sha256')
  for await (const r of Jsonl.decodeLines(plan.open(), plan.decode)) {
    if (++count % plan.progressEvery === 0) storing(false)
    if (count > read)
      return stop(
        E.isLeft(r) ? (r.left.line ?? 0) : r.right.line,
        `the input has more than the ${read} non-blank lines of the first read`,
      )
    if (E.isLeft(r)) {
      const line = r.left.line ?? 0
      if (!failed.has(line)) return stop(line, `line ${line} no longer decodes`)
      again.update(`${line}!\n`)
      continue
    }
    const line = r.right.line
    if (failed.has(line)) return stop(line, `line ${line} decodes now, and did not on the first read`)
    const event = withImportedRecordedAt(r.right.event)
    const k = key(event)
    again.update(`${line}:${k}\n`)
    const contents = byId.get(event.id)
    const mine = contents?.find((c) => c.key === k)
    if (contents === undefined || mine === undefined || mine.line > line)
      return stop(line, `line ${line} is not the event it was on the first read`)
    const error = decide(event.id, line, contents, mine, ask.refused)
    if (error !== undefined) {
      contentBad++
      if (contentErrors.length < kept) contentErrors.push(error)
      continue
    }
    if (!writing) continue
    const l = { line, event }
    // the safe point: between appends, the batch of `l`'s predecessors not yet issued
    if (w.flushes(l) && interrupted()) return interrupt(w.first() ?? line)
    const why = w.flushes(l) ? plan.changed() : undefined
    if (why !== undefined) return stop(line, why)
    const added = await w.add(l)
    if (E.isLeft(added)) return added
  }
  if (count !== read) return stop(count, `the input has ${count} non-blank lines, ${read} on the first read`)
  if (seen.digest('base64') !== again.digest('base64'))
    return stop(count, 'the input has its lines in another order than on the first read')
  if (writing && w.holds()) {
    if (interrupted()) return interrupt(w.first() ?? count)
    const why = plan.changed()
    if (why !== undefined) return stop(count, why)
    const last = await w.finish()
    if (E.isLeft(last)) return last
  }
  const errors = [...decodeErrors, ...contentErrors].sort(DecodeError.byLine).slice(0, kept)
  storing(true)
  if (!writing) return E.left({ _tag: 'BadInput', read, errors, bad: failed.size + contentBad })
  return E.right({ read, written: w.written(), errors })
}
