import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Writable } from 'node:stream'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Output from './Output.js'

const collecting = (): { readonly stdout: NodeJS.WriteStream; readonly bytes: () => Buffer } => {
  const chunks: Buffer[] = []
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      // kept as given, not copied: a writer that reused a buffer it had handed over would show
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'utf8'))
      done()
    },
  })
  return { stdout: w as unknown as NodeJS.WriteStream, bytes: () => Buffer.concat(chunks) }
}

// small pieces (any text, astral characters included) and, now and then, one too large for a buffer
const pieces = fc.array(
  fc.oneof(
    { weight: 20, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 500_000 }).map((n) => 'é😀'.repeat(n / 3)) },
  ),
  { maxLength: 60 },
)

/** Runs `body` in a fresh temporary directory, removed afterwards. */
const inDir = async (body: (dir: string) => Promise<void>): Promise<void> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-output-'))
  try {
    await body(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('Output.emitPieces', () => {
  it('writes exactly the pieces joined, to a file and to standard output, whatever their sizes (property)', async () => {
    await inDir(async (dir) => {
      await fc.assert(
        fc.asyncProperty(pieces, async (ps) => {
          const expected = Buffer.from(ps.join(''), 'utf8')
          const out = collecting()
          expect(E.isRight(await Output.emitPieces({ stdout: out.stdout, cwd: dir }, undefined, ps))).toBe(
            true,
          )
          expect(out.bytes().equals(expected)).toBe(true)
          expect(
            E.isRight(await Output.emitPieces({ stdout: out.stdout, cwd: dir }, 'out/report.txt', ps)),
          ).toBe(true)
          expect(fs.readFileSync(path.join(dir, 'out/report.txt')).equals(expected)).toBe(true)
        }),
        { numRuns: 40 },
      )
    })
  })

  it('leaves no file behind, not even half of one, when the pieces fail part-way', async () => {
    await inDir(async (dir) => {
      fs.writeFileSync(path.join(dir, 'report.txt'), 'the earlier report')
      function* failing(): Generator<string> {
        for (let i = 0; i < 2_000; i++) yield 'x'.repeat(1_000)
        throw new Error('the replay failed')
      }
      const r = await Output.emitPieces({ stdout: collecting().stdout, cwd: dir }, 'report.txt', failing())
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'OutputError', message: 'the replay failed' })
      // the report failed, not the writing: the message says so, without a "cannot write" that misleads
      expect(E.isLeft(r) && Output.describe(r.left)).toBe(
        'the replay failed: nothing was written to report.txt',
      )
      expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toBe('the earlier report')
      expect(fs.readdirSync(dir)).toEqual(['report.txt'])
      const out = collecting()
      const piped = await Output.emitPieces({ stdout: out.stdout, cwd: dir }, undefined, failing())
      expect(E.isLeft(piped) && Output.describe(piped.left)).toBe(
        'the replay failed: the report on standard output stops there, incomplete',
      )
    })
  })

  it('writes through no file planted at a guessable temporary name, and makes the file readable by its owner only', async () => {
    await inDir(async (dir) => {
      // another user of a shared directory plants a link where the temporary file was predictable
      const victim = path.join(dir, 'victim.txt')
      fs.writeFileSync(victim, 'not yours')
      fs.symlinkSync(victim, path.join(dir, `report.jsonl.${process.pid}.tmp`))
      const r = await Output.emit(
        { stdout: collecting().stdout, cwd: dir },
        'report.jsonl',
        'personal data\n',
      )
      expect(E.isRight(r)).toBe(true)
      expect(fs.readFileSync(victim, 'utf8')).toBe('not yours')
      expect(fs.lstatSync(path.join(dir, 'report.jsonl')).isSymbolicLink()).toBe(false)
      expect(fs.readFileSync(path.join(dir, 'report.jsonl'), 'utf8')).toBe('personal data\n')
      expect(fs.statSync(path.join(dir, 'report.jsonl')).mode & 0o777).toBe(0o600)
    })
  })

  it('writes into a named pipe in place (as into /dev/null): the pipe stays a pipe and its reader gets the text', async () => {
    await inDir(async (dir) => {
      const fifo = path.join(dir, 'pipe')
      execFileSync('mkfifo', [fifo])
      const read = new Promise<string>((done, fail) => {
        let text = ''
        fs.createReadStream(fifo, 'utf8')
          .on('data', (c) => {
            text += c
          })
          .on('end', () => done(text))
          .on('error', fail)
      })
      const r = await Output.emit({ stdout: collecting().stdout, cwd: dir }, 'pipe', 'the report\n')
      expect(E.isRight(r)).toBe(true)
      // renamed onto, the pipe would have become a file, and its reader would wait for ever
      expect(fs.statSync(fifo).isFIFO()).toBe(true)
      const got = await Promise.race([
        read,
        new Promise<string>((done) => setTimeout(() => done('(nothing)'), 5_000)),
      ])
      expect(got).toBe('the report\n')
      expect(fs.readdirSync(dir)).toEqual(['pipe'])
    })
  })

  it('refuses a directory, naming it, and writes nothing', async () => {
    await inDir(async (dir) => {
      fs.mkdirSync(path.join(dir, 'reports'))
      const r = await Output.emit({ stdout: collecting().stdout, cwd: dir }, 'reports', 'x')
      expect(E.isLeft(r) && Output.describe(r.left)).toBe(
        `cannot write ${path.join(dir, 'reports')}: it is a directory`,
      )
      expect(fs.readdirSync(path.join(dir, 'reports'))).toEqual([])
      expect(fs.readdirSync(dir)).toEqual(['reports'])
    })
  })
})
