import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PgliteEventStore } from '@docket/adapters/pglite'
import { type EventStore, Import, MemoryEventStore } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'
import * as Source from '../Source.js'
import { all, line, sameAsRun } from './import.twoPass.property.js'

const db = await PGlite.create()
let schemas = 0
const stores: ReadonlyArray<readonly [string, () => Promise<EventStore.EventStore>]> = [
  ['memory', async () => MemoryEventStore.make()],
  ['PGlite', () => PgliteEventStore.make(db, { schema: `import_twice_${schemas++}` })],
]
afterAll(() => db.close())

describe.each(stores)('Import.runTwice on the %s store', (name, make) => {
  sameAsRun(make, name === 'memory' ? 300 : 60)

  it('stores a file whose cases interleave (appends in flight at once) in file order', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => line(`e${i}`, `c${i % 150}`, 1))
    const store = await make()
    const r = await Import.runTwice(store, async function* () {
      yield lines
    })()
    expect(E.isRight(r) && r.right).toMatchObject({ appended: 400, cases: 150 })
    expect((await all(store)).map((e) => e.id)).toEqual(lines.map((_, i) => `e${i}`))
  })
})

describe('Source.rereadable: a file read twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-reread-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads the same lines each time and says when the file changed size or time since the first read', async () => {
    const path = join(dir, 'events.jsonl')
    writeFileSync(path, `${line('e1', 'c1', 1)}\n${line('e2', 'c1', 1)}\n`)
    const f = Source.rereadable(dir, 'events.jsonl')
    if (E.isLeft(f)) throw new Error(Source.describe(f.left))
    const read = async (): Promise<string[]> => {
      const out: string[] = []
      for await (const b of f.right.open()) out.push(...b)
      return out
    }
    const first = await read()
    expect(await read()).toEqual(first)
    expect(f.right.changed()).toBeUndefined()
    utimesSync(path, new Date(0), new Date(1_000))
    expect(f.right.changed()).toMatch(
      /^events\.jsonl was \d+ bytes, modified .*, is now \d+ bytes, modified 1970-01-01T00:00:01\.000Z/,
    )
    const shorter = `${line('e1', 'c1', 1)}\n`
    writeFileSync(path, shorter)
    expect(f.right.changed()).toContain(`is now ${Buffer.byteLength(shorter)} bytes`)
  })

  it('a file changed between the reads stops the import with InputChanged, naming the file', async () => {
    const path = join(dir, 'moving.jsonl')
    writeFileSync(path, `${line('e1', 'c1', 1)}\n`)
    const f = Source.rereadable(dir, 'moving.jsonl')
    if (E.isLeft(f)) throw new Error(Source.describe(f.left))
    // the file grows right after the first read
    const file = f.right
    let reads = 0
    async function* open(): AsyncGenerator<ReadonlyArray<string>> {
      yield* file.open()
      if (reads++ === 0) writeFileSync(path, `${line('e1', 'c1', 1)}\n${line('e2', 'c1', 1)}\n`)
    }
    const store = MemoryEventStore.make()
    const r = await Import.runTwice(store, open, { changed: file.changed })()
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InputChanged', appended: 0 })
    expect(E.isLeft(r) && Import.describe(r.left)).toMatch(
      /^the input changed while it was imported \(moving\.jsonl was/,
    )
    expect(await all(store)).toEqual([])
  })

  it.skipIf(process.platform === 'win32')(
    'docket import reads a named pipe (it cannot be read again) from a copy, as it reads standard input',
    { timeout: 20_000 },
    async () => {
      const fifo = join(dir, 'events.fifo')
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
      const writer = spawn('sh', [
        '-c',
        `printf '%s\\n%s\\n' "$0" "$1" > "${fifo}"`,
        line('e1', 'c1', 1),
        line('e2', 'c2', 1),
      ])
      const written = new Promise((done) => writer.on('close', done))
      const spill = mkdtempSync(join(dir, 'spill-'))
      const r = await docket(['import', fifo, '--store', 'memory:', '--spill-dir', spill])
      await written
      expect(Source.isRegularFile(dir, 'events.fifo')).toBe(false)
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toContain('imported 2 new event(s) into memory: (2 case(s) in the input)')
      expect(readdirSync(spill)).toEqual([])
    },
  )
})
