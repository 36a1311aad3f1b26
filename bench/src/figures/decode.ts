/**
 * Decoding alone, on the benchmark's JSON Lines file: read + `JSON.parse` of
 * every line (the baseline of figure 1b) against read + the validated decode
 * a file replay does per line (`Source.decodeLine`: `Jsonl.decodeLine`, that
 * is `JSON.parse` + `Envelope.decode`, then `Envelope.withImportedRecordedAt`).
 * No replay: this isolates what validation costs on top of parsing. A third
 * run decodes with the io-ts codecs alone (`Envelope.decodeWithCodecs`, the
 * decoding before the fast path), for a before/after in the same process. The
 * three are run alternately, `rounds` times each, and their medians compared.
 */
import { Envelope } from '@docket/core'
import { Source } from '@docket/cli'
import * as Data from '../internal/data.js'
import { type Row, rate, timed } from '../internal/measure.js'

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const orThrow = (
  line: number,
  d: { readonly _tag: 'Left'; readonly left: unknown } | { readonly _tag: 'Right' },
): void => {
  if (d._tag === 'Left') throw new Error(`line ${line}: ${JSON.stringify(d.left)}`)
}

/** Read + the validated decode of every non-empty line; throws on a bad line. */
const decodeAll = (file: string): Promise<number> =>
  Data.eachLine(file, (text, line) => orThrow(line, Source.decodeLine(text, line)))

/** Read + JSON.parse + the io-ts codecs alone (no fast path) + `withImportedRecordedAt`. */
const codecsAll = (file: string): Promise<number> =>
  Data.eachLine(file, (text, line) => {
    const d = Envelope.decodeWithCodecs(JSON.parse(text))
    orThrow(line, d)
    if (d._tag === 'Right') Envelope.withImportedRecordedAt(d.right)
  })

/** The decode figure: medians of `rounds` alternated runs of each. */
export const run = async (file: string, rounds: number): Promise<Row[]> => {
  const base: number[] = []
  const dec: number[] = []
  const ref: number[] = []
  let events = 0
  for (let i = 0; i < rounds; i++) {
    const b = await timed(() => Data.parseOnly(file))
    const d = await timed(() => decodeAll(file))
    const r = await timed(() => codecsAll(file))
    if (b.result !== d.result || b.result !== r.result) throw new Error('line counts differ')
    events = b.result
    base.push(b.ms)
    dec.push(d.ms)
    ref.push(r.ms)
    process.stderr.write(
      `  round ${i + 1}: read + JSON.parse ${Math.round(b.ms)} ms, read + decode ${Math.round(d.ms)} ms, read + io-ts codecs alone ${Math.round(r.ms)} ms\n`,
    )
  }
  const b = median(base)
  const baseRuns = base.map(Math.round).join(' ')
  // Each round's ratio: the runs of a round are seconds apart, so load that drifts between rounds cancels out.
  const row = (
    figure: string,
    label: string,
    runs: ReadonlyArray<number>,
    target: string,
    met: (ratio: number) => boolean | null,
  ): Row => {
    const x = median(runs)
    return {
      figure,
      docket: {
        label,
        value: Math.round(x),
        unit: 'ms',
        extra: {
          events,
          rounds,
          eventsPerSecond: rate(events, x),
          runs: runs.map(Math.round).join(' '),
          medianRoundRatio: Math.round(median(runs.map((y, i) => y / base[i]!)) * 1000) / 1000,
        },
      },
      baseline: {
        label: 'read + JSON.parse (median)',
        value: Math.round(b),
        unit: 'ms',
        extra: { eventsPerSecond: rate(events, b), runs: baseRuns },
      },
      ratio: x / b,
      ratioMeaning: 'time ÷ baseline time (lower is better)',
      target,
      met: met(x / b),
    }
  }
  return [
    row(
      'decode: JSON Lines read + validated decode',
      'read + Source.decodeLine (median)',
      dec,
      '≤ 2 (decode within 2× of JSON.parse; the replay of 1b adds to it)',
      (ratio) => ratio <= 2,
    ),
    row(
      'decode: the same with the io-ts codecs alone (before the fast path)',
      'read + JSON.parse + Envelope.decodeWithCodecs (median)',
      ref,
      'reported (the reference the fast path must equal)',
      () => null,
    ),
  ]
}
