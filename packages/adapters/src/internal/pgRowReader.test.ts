import { EventEmitter } from 'node:events'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RowReader } from './pgRowReader.js'

// protocol messages, as the server sends them

const message = (code: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(5)
  head.write(code, 0, 'latin1')
  head.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

const dataRow = (fields: ReadonlyArray<string | null>): Buffer => {
  const count = Buffer.alloc(2)
  count.writeUInt16BE(fields.length)
  const parts: Buffer[] = [count]
  for (const f of fields) {
    const len = Buffer.alloc(4)
    if (f === null) {
      len.writeInt32BE(-1)
      parts.push(len)
    } else {
      const bytes = Buffer.from(f, 'utf8')
      len.writeInt32BE(bytes.length)
      parts.push(len, bytes)
    }
  }
  return message('D', Buffer.concat(parts))
}

const empty = (code: string): Buffer => message(code, Buffer.alloc(0))
const cstring = (code: string, s: string): Buffer => message(code, Buffer.from(`${s}\u0000`, 'utf8'))

type Row = readonly [string, number, string]

const rows: ReadonlyArray<Row> = [
  ['1', 0, '{"a":1}'],
  ['2', 1, ''],
  ['10', 12, '{"t":"é 日本 😀"}'],
  ['9007199254740993', 4, 'x'.repeat(70_000)],
  ['12345678901234567', 1_000_000, '{"b":[1,2,3]}'],
]

/** Parse, bind and row description, the rows (suspended after the second), then the end of the query. */
const wire = (middle: ReadonlyArray<Buffer> = []): { bytes: Buffer; driverFrom: number } => {
  const head = [empty('1'), empty('2'), cstring('T', 'position…')]
  const body = rows.map((r) => dataRow([r[0], String(r[1]), r[2]]))
  const before = Buffer.concat([...head, body[0]!, body[1]!, empty('s'), ...body.slice(2)])
  const after = Buffer.concat([
    ...middle,
    cstring('C', 'SELECT 5'),
    empty('3'),
    message('Z', Buffer.from('I')),
  ])
  return { bytes: Buffer.concat([before, after]), driverFrom: before.length }
}

/** Feeds `bytes` cut at `cuts` to a reader over a fake socket; what it read and what the driver got. */
const feed = (bytes: Buffer, cuts: ReadonlyArray<number>) => {
  const stream = new EventEmitter()
  const driverGot: Buffer[] = []
  const driver = (b: Buffer): void => {
    driverGot.push(b)
  }
  stream.on('data', driver)
  const got: Row[] = []
  let suspended = 0
  let suspendedAfter = -1
  new RowReader(stream, {
    push: (p, r, b) => {
      got.push([p, r, b])
    },
    handlePortalSuspended: () => {
      suspended++
      suspendedAfter = got.length
    },
  })
  const points = [
    0,
    ...[...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b),
    bytes.length,
  ]
  for (let i = 1; i < points.length; i++) {
    // a fresh copy: the reader may not rely on the socket's buffers being reused or kept
    stream.emit('data', Buffer.from(bytes.subarray(points[i - 1], points[i])))
  }
  return {
    got,
    suspended,
    suspendedAfter,
    driver: Buffer.concat(driverGot),
    listeners: stream.listeners('data'),
  }
}

describe('RowReader (rows read from the socket)', () => {
  it('reads every row and hands the driver exactly the bytes from the end of the rows on, however the chunks are cut', () => {
    const { bytes, driverFrom } = wire()
    const check = (cuts: ReadonlyArray<number>): void => {
      const r = feed(bytes, cuts)
      expect(r.got).toEqual(rows)
      expect([r.suspended, r.suspendedAfter]).toEqual([1, 2])
      expect(r.driver.equals(bytes.subarray(driverFrom))).toBe(true)
      expect(r.listeners.length).toBe(1)
    }
    check([])
    // every single cut near the messages' boundaries and inside the headers
    for (let c = 1; c < 200; c++) check([c])
    for (let c = driverFrom - 120; c < bytes.length; c++) check([c])
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) =>
        check(cuts),
      ),
      { numRuns: 300 },
    )
  })

  it('gives the driver everything from a message it does not expect (a notice mid-read), rows after it included', () => {
    const notice = cstring('N', 'careful')
    const stream = wire([notice])
    const from = stream.bytes.indexOf(notice)
    for (const cuts of [[], [from], [from + 3], [from - 2, from + 7], [5, 9, 4000, 70_100]]) {
      const r = feed(stream.bytes, cuts)
      expect(r.got).toEqual(rows)
      expect(r.driver.equals(stream.bytes.subarray(from))).toBe(true)
    }
    // a row the reader does not take (a null field) goes to the driver, with everything after it
    const odd = dataRow(['3', null, 'x'])
    const withOdd = Buffer.concat([
      empty('1'),
      empty('2'),
      dataRow(['1', '0', 'a']),
      odd,
      cstring('C', 'SELECT 2'),
    ])
    const r = feed(withOdd, [withOdd.indexOf(odd) + 2])
    expect(r.got).toEqual([['1', 0, 'a']])
    expect(r.driver.equals(withOdd.subarray(withOdd.indexOf(odd)))).toBe(true)
  })
})
