/**
 * JSON Lines, the interchange file format: one event per line, as in
 * `shared/spec/events.md`. Decoding parses each line and runs it through
 * `Envelope.decode` (with optional upcasters); a bad line becomes a
 * `DecodeError` carrying its 1-based line number and the field paths at
 * fault, never an exception. Blank lines are skipped but still counted, so
 * line numbers match what an editor shows. Encoding writes each event exactly
 * as stored, key order included.
 *
 * This module reads and writes text; it never touches a store except to read
 * one for export. `Import` is what writes a decoded file into a store.
 */
import { isUtf8 } from 'node:buffer'
import * as E from 'fp-ts/lib/Either.js'
import * as DecodeError from './DecodeError.js'
import { type DocketEvent, decode } from './Envelope.js'
import type * as EventStore from './EventStore.js'
import * as PersonalData from './PersonalData.js'
import type * as Upcaster from './Upcaster.js'

// model

/** A decoded event and the line it came from. */
export interface Line {
  /** 1-based line number in the input. */
  readonly line: number
  readonly event: DocketEvent
}

/** The outcome of one non-blank line: its event, or what is wrong with it (with `line` set). */
export type LineResult = E.Either<DecodeError.DecodeError, Line>

/** Options for decoding. */
export interface DecodeOptions {
  /** Upcasters run on each line before decoding (for history written by older schema versions). */
  readonly upcasters?: Upcaster.Registry
}

/**
 * Lines to decode: a whole text, lines, or asynchronous lines or batches of
 * lines (`lineBatchesOf`, the cheapest for a stream: one asynchronous step per
 * chunk read instead of one per line). Line numbers count across batches.
 */
export type Input = string | Iterable<string> | AsyncIterable<string | ReadonlyArray<string>>

/** Every line of an input, split into what decoded and what did not, in input order. */
export interface Decoded {
  readonly events: ReadonlyArray<Line>
  readonly errors: ReadonlyArray<DecodeError.DecodeError>
  /** Non-blank lines read (events plus errors). */
  readonly read: number
}

// operations: decoding

const NO_OPTIONS: DecodeOptions = {}

const isBlank = (s: string): boolean => s.trim().length === 0

/**
 * Decodes the text of one line (line number `line`, 1-based). Invalid JSON,
 * a non-object and every envelope or payload problem are `DecodeError`s.
 */
export const decodeLine = (
  text: string,
  line: number,
  options: DecodeOptions = NO_OPTIONS,
): E.Either<DecodeError.DecodeError, DocketEvent> => {
  if (text.charCodeAt(0) === NOT_UTF8)
    return E.left(DecodeError.atLine(PersonalData.withheld(notUtf8Error(text.slice(1))), line))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    // V8 quotes the text around a bad token ("Unexpected token 'a', "{"email":alic"... is not valid JSON")
    const reason = (e instanceof Error ? e.message : String(e)).replace(
      /^(Unexpected token '[\s\S]{1,2}')?[\s\S]* is not valid JSON$/,
      (_, token: string | undefined) => `${token ?? 'not JSON'} (the text around it is not shown)`,
    )
    return E.left(
      DecodeError.atLine(
        PersonalData.withheld(DecodeError.single('', text, `a JSON object (invalid JSON: ${reason})`)),
        line,
      ),
    )
  }
  const decoded = decode(json, options)
  return E.isLeft(decoded) ? E.left(DecodeError.atLine(decoded.left, line)) : decoded
}

/**
 * A lone surrogate, which no decoding of bytes yields: the first character of a line whose bytes
 * are not UTF-8 ({@link notUtf8}), so that {@link decodeLine} refuses it instead of decoding the
 * U+FFFD its bad bytes were read as (an id or a text silently changed).
 */
const NOT_UTF8 = 0xd800

/**
 * The text of a line whose bytes are not UTF-8 (each bad sequence read as U+FFFD), marked so that
 * {@link decodeLine} refuses it, naming the field. For readers that split bytes themselves.
 */
export const notUtf8 = (text: string): string => `${String.fromCharCode(NOT_UTF8)}${text}`

/** The path and value of the first string (member name or value) of `json` holding a U+FFFD. */
const replaced = (
  json: unknown,
  path: string,
): { readonly path: string; readonly value: string } | undefined => {
  if (typeof json === 'string') return json.includes('\uFFFD') ? { path, value: json } : undefined
  if (typeof json !== 'object' || json === null) return undefined
  for (const [key, value] of Object.entries(json)) {
    const at = path === '' ? key : `${path}.${key}`
    if (key.includes('\uFFFD')) return { path: at, value: key }
    const found = replaced(value, at)
    if (found !== undefined) return found
  }
  return undefined
}

/** The error of a line whose bytes are not UTF-8, at the first field they fall in. */
const notUtf8Error = (text: string): DecodeError.DecodeError => {
  const expected = 'UTF-8 text (bytes that are not UTF-8, shown as U+FFFD, were read here)'
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return DecodeError.single('', text, expected)
  }
  const found = replaced(json, '')
  return found === undefined
    ? DecodeError.single('', text, expected)
    : DecodeError.single(found.path, found.value, expected)
}

/** Splits a text into its lines (`\n` or `\r\n`), dropping a leading byte order mark. */
export const splitLines = (text: string): ReadonlyArray<string> => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lines = body.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

const NL = 10
const EMPTY = new Uint8Array(0)

/**
 * The text of whole lines of bytes (each ending in `\n` but perhaps the last): decoded at once
 * when they are UTF-8, else line by line, each line that is not {@link notUtf8}-marked.
 */
const textOf = (bytes: Uint8Array, decode: (bytes: Uint8Array) => string): string => {
  if (isUtf8(bytes)) return decode(bytes)
  const lines: string[] = []
  let start = 0
  while (start < bytes.length) {
    const nl = bytes.indexOf(NL, start)
    const end = nl < 0 ? bytes.length : nl
    const line = bytes.subarray(start, end)
    lines.push(isUtf8(line) ? decode(line) : notUtf8(decode(line)))
    if (nl < 0) return lines.join('\n')
    start = nl + 1
  }
  return `${lines.join('\n')}\n`
}

/**
 * The lines of a stream of text or UTF-8 byte chunks (a file or standard
 * input) in batches, one per chunk that ends a line, in bounded memory:
 * chunks may split lines and multi-byte characters anywhere. A leading byte
 * order mark and `\r` before `\n` are dropped. A line whose bytes are not
 * UTF-8 is {@link notUtf8}-marked: {@link decodeLine} refuses it. A reader
 * that handles each batch synchronously saves an asynchronous step per line
 * over {@link linesOf}.
 */
export async function* lineBatchesOf(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<ReadonlyArray<string>> {
  // the decoder keeps a byte order mark: `emit` drops one, and only one, at the start
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const decode = (bytes: Uint8Array): string => decoder.decode(bytes)
  // the bytes of a line not ended yet, in the chunks they came in (a long line is joined once)
  let carry: Uint8Array[] = []
  const carried = (more: Uint8Array): Uint8Array => {
    if (carry.length === 0) return more
    const all = Buffer.concat([...carry, more])
    carry = []
    return all
  }
  let pending = ''
  let first = true
  const emit = (final: boolean): string[] => {
    const out: string[] = []
    if (first && pending.length > 0) {
      if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1)
      // a first line not UTF-8 has its mark before the byte order mark
      else if (pending.charCodeAt(0) === NOT_UTF8 && pending.charCodeAt(1) === 0xfeff)
        pending = notUtf8(pending.slice(2))
      first = false
    }
    let start = 0
    let nl = pending.indexOf('\n', start)
    while (nl >= 0) {
      out.push(
        pending.charCodeAt(nl - 1) === 13 && nl > start
          ? pending.slice(start, nl - 1)
          : pending.slice(start, nl),
      )
      start = nl + 1
      nl = pending.indexOf('\n', start)
    }
    if (start > 0) pending = pending.slice(start)
    if (final && pending.length > 0) {
      out.push(pending.endsWith('\r') ? pending.slice(0, -1) : pending)
      pending = ''
    }
    return out
  }
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') pending += (carry.length > 0 ? textOf(carried(EMPTY), decode) : '') + chunk
    else {
      // whole lines are checked and decoded; the bytes after the last newline wait for the rest
      const nl = chunk.lastIndexOf(NL)
      if (nl < 0) {
        carry.push(chunk)
        continue
      }
      pending += textOf(carried(chunk.subarray(0, nl + 1)), decode)
      if (nl + 1 < chunk.length) carry.push(chunk.subarray(nl + 1))
    }
    const batch = emit(false)
    if (batch.length > 0) yield batch
  }
  if (carry.length > 0) pending += textOf(carried(EMPTY), decode)
  const last = emit(true)
  if (last.length > 0) yield last
}

/**
 * The lines of a stream of text or UTF-8 byte chunks (a file or standard
 * input), one at a time, in bounded memory: {@link lineBatchesOf}, flattened.
 */
export async function* linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  for await (const batch of lineBatchesOf(chunks)) yield* batch
}

const isAsync = <A>(u: Iterable<A> | AsyncIterable<A>): u is AsyncIterable<A> =>
  typeof (u as AsyncIterable<A>)[Symbol.asyncIterator] === 'function'

/** The lines of one item of an asynchronous input: a line, or a batch of them. */
const linesOfItem = (item: string | ReadonlyArray<string>): ReadonlyArray<string> => {
  if (typeof item === 'string') return [item]
  if (Array.isArray(item)) return item
  throw new TypeError(`expected a line (string) or a batch of lines (array), got ${typeof item}`)
}

/** A decoder of successive lines, numbering them from 1 (blank lines counted, no result). */
const numbered = (options: DecodeOptions): ((text: string) => LineResult | undefined) => {
  let n = 0
  return (text) => {
    n++
    if (isBlank(text)) return undefined
    const line = n
    const r = decodeLine(text, line, options)
    return E.isLeft(r) ? r : E.right({ line, event: r.right })
  }
}

/** Lines a sync iterable (not an array) is read in: one asynchronous step per batch. */
const SYNC_BATCH = 1024

/** The lines of an input in batches: a text or an array as one, async items as they come. */
async function* batchesOf(input: Input): AsyncGenerator<ReadonlyArray<string>> {
  if (typeof input === 'string') yield splitLines(input)
  else if (Array.isArray(input)) yield input
  else if (isAsync(input)) for await (const item of input) yield linesOfItem(item)
  else {
    let batch: string[] = []
    for (const text of input) {
      batch.push(text)
      if (batch.length === SYNC_BATCH) {
        yield batch
        batch = []
      }
    }
    if (batch.length > 0) yield batch
  }
}

/**
 * Decodes lines one at a time, in order (bounded memory): one result per
 * non-blank line, numbered by its position in the input. Accepts a whole
 * text, an array of lines, or async lines or batches of lines (see {@link Input}).
 */
export async function* decodeLines(input: Input, options: DecodeOptions = {}): AsyncGenerator<LineResult> {
  const one = numbered(options)
  for await (const batch of batchesOf(input)) {
    for (const text of batch) {
      const r = one(text)
      if (r !== undefined) yield r
    }
  }
}

/** Decodes successive batches of lines into one {@link Decoded}: `add` each batch, then `result`. */
const collector = (options: DecodeOptions) => {
  const events: Line[] = []
  const errors: DecodeError.DecodeError[] = []
  const one = numbered(options)
  return {
    add: (batch: ReadonlyArray<string>): void => {
      for (const text of batch) {
        const r = one(text)
        if (r === undefined) continue
        if (E.isLeft(r)) errors.push(r.left)
        else events.push(r.right)
      }
    },
    result: (): Decoded => ({ events, errors, read: events.length + errors.length }),
  }
}

/** Decodes a whole text synchronously: every event and every bad line, in input order. */
export const decodeText = (text: string, options: DecodeOptions = {}): Decoded => {
  const c = collector(options)
  c.add(splitLines(text))
  return c.result()
}

/**
 * Decodes every line of an input (text, lines, or async lines or batches of lines) into events
 * and errors. Each batch is decoded synchronously: no asynchronous step per line.
 */
export const decodeAll = async (input: Input, options: DecodeOptions = {}): Promise<Decoded> => {
  const c = collector(options)
  for await (const batch of batchesOf(input)) c.add(batch)
  return c.result()
}

// operations: encoding

/** One event as one line of JSON (no newline), keys in the order the event holds them. */
export const encode = (event: DocketEvent): string => JSON.stringify(event)

/**
 * The store's global log as JSON Lines, each line ending in `\n`: every event
 * exactly as stored (with `recordedAt`, and under `meta` whatever integrity
 * data the store keeps), in global order, streamed in bounded memory. Where
 * the store hands back the stored JSON text (`StoredEvent.json`), that text is
 * written as is.
 */
export async function* exportStore(
  store: EventStore.EventStore,
  options: EventStore.ReadAllOptions = {},
): AsyncGenerator<string> {
  for await (const stored of store.readAll(options)) {
    // The stored JSON text when the store keeps it (no parse and re-serialise), unless it spans lines.
    const json = stored.json !== undefined && !stored.json.includes('\n') ? stored.json : encode(stored.event)
    yield `${json}\n`
  }
}
