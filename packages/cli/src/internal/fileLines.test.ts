import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Jsonl } from '@docket/core'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import * as FileLines from './fileLines.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-file-lines-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The lines `Jsonl.lineBatchesOf` gives for the file read in chunks of `chunkBytes`. */
const jsonlLines = async (file: string, chunkBytes: number): Promise<string[]> => {
  const out: string[] = []
  for await (const batch of Jsonl.lineBatchesOf(fs.createReadStream(file, { highWaterMark: chunkBytes })))
    out.push(...batch)
  return out
}

/** Random bytes, no newline among them: a line's body, valid UTF-8 or not (`\r`, a BOM's bytes, any byte). */
const lineBytes = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b.filter((x) => x !== 10))),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => Buffer.from(s.replaceAll('\n', ''), 'utf8')),
  fc.constantFrom(Buffer.from('\r'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xe2, 0x82])),
)

describe('FileLines', () => {
  it("splits a file's bytes into the lines Jsonl reads, each read back at its offset, whatever the chunk size (property)", async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(
          fc.array(lineBytes, { maxLength: 3 }).map((parts) => Buffer.concat(parts)),
          { maxLength: 12 },
        ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (bom, lines, end, finalNewline, chunkBytes) => {
          const body = Buffer.concat(
            lines.flatMap((l, i) => (i < lines.length - 1 || finalNewline ? [l, Buffer.from(end)] : [l])),
          )
          const file = path.join(dir, `f${n++}.jsonl`)
          const bytes = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body
          fs.writeFileSync(file, bytes)
          let counted = 0
          const got: string[] = []
          const offsets: number[] = []
          for await (const b of FileLines.batches(file, (k) => (counted += k), chunkBytes)) {
            expect(b.offsets).toHaveLength(b.lines.length)
            got.push(...b.lines)
            offsets.push(...b.offsets)
          }
          expect(got).toEqual(await jsonlLines(file, chunkBytes))
          expect(counted).toBe(bytes.length)
          const fd = fs.openSync(file, 'r')
          try {
            expect(offsets.map((o) => FileLines.lineAt(fd, o))).toEqual(got)
          } finally {
            fs.closeSync(fd)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('drops a byte order mark only at the start of the file, whatever the chunks', async () => {
    const file = path.join(dir, 'late-bom.jsonl')
    fs.writeFileSync(file, Buffer.from([10, 0xef, 0xbb, 0xbf]))
    for (const chunkBytes of [1, 2, 3, 4, 64]) {
      const got: string[] = []
      for await (const b of FileLines.batches(file, () => {}, chunkBytes)) got.push(...b.lines)
      expect(got, `chunks of ${chunkBytes}`).toEqual(['', '\ufeff'])
    }
  })

  it('reads back a line longer than its read buffer, at the end of a file with no final newline', () => {
    const file = path.join(dir, 'long.jsonl')
    const long = `{"x":"${'é'.repeat(9_000)}"}`
    fs.writeFileSync(file, `a\r\n${long}`)
    const fd = fs.openSync(file, 'r')
    try {
      expect(FileLines.lineAt(fd, 0)).toBe('a')
      expect(FileLines.lineAt(fd, 3)).toBe(long)
    } finally {
      fs.closeSync(fd)
    }
  })
})
