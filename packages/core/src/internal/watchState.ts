/**
 * The escalation process manager's own checkpoint: the position of the last
 * event it applied and every case it must still watch with its next wake
 * instant, so that a restart reads only the log after that position instead
 * of rebuilding every case from the whole log. It is not a snapshot of the
 * cases' histories (a case is read back from its own stream when an event
 * touches it or its wake comes) and not the outbox's checkpoints.
 *
 * It lives in the store's `CheckpointStore` (strings by subscriber name), so
 * no adapter needs anything new: a manifest under `<name>/state` and the wake
 * instants in chunks of bounded size under `<name>/state/<slot>/<i>` (an
 * EventStoreDB event holds about a megabyte). A save writes the chunks into the
 * slot the current manifest does not name, then the manifest: a crash at any
 * point leaves the previous checkpoint whole. The manifest carries a digest of
 * the chunks, so chunks of another save are detected, and a fingerprint of the
 * profile and rules, so a checkpoint planned under other rules is not trusted.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as DecodeError from '../DecodeError.js'
import type * as EventStore from '../EventStore.js'
import * as Hash from './hash.js'

// model

/**
 * Bumped whenever the meaning of a saved checkpoint changes (its layout, or the engine's wake instants).
 * 2: repeat reports under one standing refusal raise at the first and at each `repeatReports` threshold
 * only, so the wake instants saved by version 1 are those of escalations the engine no longer derives.
 * Not bumped when wake instants can only come later or go (escalations the engine no longer derives
 * stop at their cause's resolution): a case a saved wake wakes early is ticked and finds nothing due.
 */
export const VERSION = 2

/** What a restart resumes from. */
export interface State {
  /** The last event applied: every case with events up to it was ticked after its last one. */
  readonly position: EventStore.Position
  /** Every case that can still change without a new event, with its next wake instant (epoch ms). */
  readonly wakes: ReadonlyArray<readonly [caseId: string, at: number]>
}

/** Why a stored checkpoint is not used (a full rebuild follows). */
export type Problem =
  | { readonly _tag: 'Missing' }
  | { readonly _tag: 'Unreadable'; readonly message: string }
  | { readonly _tag: 'Incompatible'; readonly message: string }

const Manifest = t.type({
  version: t.number,
  fingerprint: t.string,
  position: t.string,
  slot: t.union([t.literal('a'), t.literal('b')]),
  chunks: t.number,
  cases: t.number,
  digest: t.string,
})
type Manifest = t.TypeOf<typeof Manifest>

const Chunk = t.readonlyArray(t.tuple([t.string, t.number]))

/** Characters of one chunk at most (EventStoreDB's default largest append is 1 MiB). */
const CHUNK_CHARS = 1 << 18

// constructors

const unreadable = (message: string): Problem => ({ _tag: 'Unreadable', message })
const incompatible = (message: string): Problem => ({ _tag: 'Incompatible', message })

// operations

/** The subscriber name of the manifest. */
export const manifestName = (name: string): string => `${name}/state`
const chunkName = (name: string, slot: string, i: number): string => `${name}/state/${slot}/${i}`

/** A one-line description of why a checkpoint is not used. */
export const describe = (p: Problem): string =>
  p._tag === 'Missing'
    ? 'no checkpoint of the cases to watch'
    : p._tag === 'Unreadable'
      ? `the checkpoint of the cases to watch is unreadable (${p.message})`
      : `the checkpoint of the cases to watch is not usable (${p.message})`

const parse = <A>(codec: t.Type<A, unknown>, text: string, what: string): E.Either<Problem, A> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return E.left(unreadable(`${what}: ${e instanceof Error ? e.message : String(e)}`))
  }
  const decoded = codec.decode(json)
  return E.isLeft(decoded)
    ? // one log line: every issue, separated by '; '
      E.left(
        unreadable(
          `${what}: ${DecodeError.format(DecodeError.fromValidation(decoded.left)).replaceAll('\n', '; ')}`,
        ),
      )
    : E.right(decoded.right)
}

/** Splits the wake instants into JSON chunks of at most about {@link CHUNK_CHARS} characters. */
export const encodeChunks = (wakes: ReadonlyArray<readonly [string, number]>): ReadonlyArray<string> => {
  const out: string[] = []
  let parts: string[] = []
  let size = 0
  for (const [caseId, at] of wakes) {
    const part = JSON.stringify([caseId, at])
    if (parts.length > 0 && size + part.length + 1 > CHUNK_CHARS) {
      out.push(`[${parts.join(',')}]`)
      parts = []
      size = 0
    }
    parts.push(part)
    size += part.length + 1
  }
  if (parts.length > 0 || out.length === 0) out.push(`[${parts.join(',')}]`)
  return out
}

/**
 * Loads the checkpoint saved under `name`: `Missing` when there is none, `Unreadable` when it does
 * not decode or its chunks do not match the manifest, `Incompatible` when it was saved by another
 * version or under another fingerprint (profile and rules).
 */
export const load = async (
  checkpoints: EventStore.CheckpointStore,
  name: string,
  fingerprint: string,
): Promise<E.Either<Problem, State>> => {
  const text = await checkpoints.load(manifestName(name))
  if (text === undefined) return E.left({ _tag: 'Missing' })
  const manifest = parse(Manifest, text, 'manifest')
  if (E.isLeft(manifest)) return manifest
  const m: Manifest = manifest.right
  if (m.version !== VERSION)
    return E.left(incompatible(`saved by format version ${m.version}, not ${VERSION}`))
  if (m.fingerprint !== fingerprint) return E.left(incompatible('saved under another profile or other rules'))
  const texts: string[] = []
  for (let i = 0; i < m.chunks; i++) {
    const chunk = await checkpoints.load(chunkName(name, m.slot, i))
    if (chunk === undefined) return E.left(unreadable(`chunk ${i} of ${m.chunks} is missing`))
    texts.push(chunk)
  }
  if (Hash.hash128(texts.join('\n')) !== m.digest)
    return E.left(unreadable('the chunks do not match the manifest'))
  const wakes: Array<readonly [string, number]> = []
  for (const [i, chunk] of texts.entries()) {
    const decoded = parse(Chunk, chunk, `chunk ${i}`)
    if (E.isLeft(decoded)) return decoded
    for (const w of decoded.right) wakes.push(w)
  }
  if (wakes.length !== m.cases)
    return E.left(unreadable(`${wakes.length} case(s), the manifest says ${m.cases}`))
  return E.right({ position: m.position, wakes })
}

/** Saves `state` under `name`: the chunks into the slot the current manifest does not name, then the manifest. */
export const save = async (
  checkpoints: EventStore.CheckpointStore,
  name: string,
  fingerprint: string,
  state: State,
): Promise<void> => {
  const current = await checkpoints.load(manifestName(name))
  const previous = current === undefined ? undefined : parse(Manifest, current, 'manifest')
  const slot = previous !== undefined && E.isRight(previous) && previous.right.slot === 'a' ? 'b' : 'a'
  const texts = encodeChunks(state.wakes)
  for (const [i, chunk] of texts.entries()) await checkpoints.save(chunkName(name, slot, i), chunk)
  const manifest: Manifest = {
    version: VERSION,
    fingerprint,
    position: state.position,
    slot,
    chunks: texts.length,
    cases: state.wakes.length,
    digest: Hash.hash128(texts.join('\n')),
  }
  await checkpoints.save(manifestName(name), JSON.stringify(manifest))
}
