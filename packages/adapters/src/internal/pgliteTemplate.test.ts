/**
 * The template of a new PGlite data directory, through `PgliteEventStore.make`: the first new store
 * makes it, the next ones are loaded from it (they share its PostgreSQL system identifier, which
 * initdb draws anew each time), it never holds the lock or a directory's other files, and a damaged
 * one is made again.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { collect, ok, testEvent } from '@docket/core/testing'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from '../pglite/PgliteEventStore.js'
import * as Template from './pgliteTemplate.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-template-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** The PostgreSQL system identifier of a (closed) store's directory. */
const systemId = async (dir: string): Promise<string> => {
  const db = await PGlite.create(dir)
  try {
    const [row] = (
      await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')
    ).rows
    return row!.id
  } finally {
    await db.close()
  }
}

/** A new store in `dir` with one event appended and read back, then closed. */
const roundTrip = async (dir: string, templateDir: string | false): Promise<void> => {
  const s = await PgliteEventStore.make(dir, { templateDir })
  const e = testEvent('c1', 0)
  await ok(s.append('c1', [e], 'no_stream'))
  expect((await collect(s.readAll())).map((x) => x.event)).toEqual([e])
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'docket.lock'), 'utf8')).pid).toBe(process.pid)
  await s.close()
}

const names = (file: string): ReadonlyArray<string> =>
  Template.entries(new Uint8Array(zlib.gunzipSync(fs.readFileSync(file)))).map((e) => e.name)

describe('the template of a new PGlite store', () => {
  const templates = path.join(tmp, 'cache')
  const file = Template.file(templates)!

  it('is made by the first new store, without the lock, and loaded by the next', async () => {
    expect(file).toMatch(/pglite-\d+\.\d+\.\d+.*-[0-9a-f]{12}\.tar\.gz$/)
    await roundTrip(path.join(tmp, 'a'), templates)
    expect(fs.existsSync(file)).toBe(true)
    expect(names(file)).toContain('PG_VERSION')
    expect(names(file)).not.toContain('docket.lock')
    expect(fs.readdirSync(templates)).toEqual([path.basename(file)])

    await roundTrip(path.join(tmp, 'b'), templates)
    await roundTrip(path.join(tmp, 'c'), false)
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => systemId(path.join(tmp, d))))
    expect(b).toBe(a)
    expect(c).not.toBe(a)
  }, 120_000)

  it('is used for a store in memory too', async () => {
    const s = await PgliteEventStore.make('memory', { templateDir: templates })
    await ok(s.append('c1', [testEvent('c1', 0)], 'no_stream'))
    expect((await collect(s.readAll())).length).toBe(1)
    await s.close()
  }, 60_000)

  it('is made again when damaged, and the store opens all the same', async () => {
    fs.writeFileSync(file, 'not a template')
    await roundTrip(path.join(tmp, 'd'), templates)
    expect(names(file)).toContain('PG_VERSION')
    // a whole gzip whose data directory PGlite refuses: the store is made by initdb, the template again
    const bad = new Uint8Array(2048)
    const put = (at: number, text: string): void => bad.set(new TextEncoder().encode(text), at)
    put(0, 'PG_VERSION')
    put(100, '0000644\0')
    put(124, '00000000003\0')
    put(148, '        ')
    put(156, '0')
    put(257, 'ustar\u000000')
    put(
      148,
      `${bad
        .subarray(0, 512)
        .reduce((n, b) => n + b, 0)
        .toString(8)
        .padStart(6, '0')}\0 `,
    )
    put(512, '18\n')
    fs.writeFileSync(file, zlib.gzipSync(bad))
    expect(names(file)).toEqual(['PG_VERSION'])
    await roundTrip(path.join(tmp, 'e'), templates)
    expect(names(file).length).toBeGreaterThan(100)
  }, 180_000)

  it('is saved removing the private files of saves abandoned over an hour ago, not younger ones', async () => {
    const cache = path.join(tmp, 'abandoned')
    fs.mkdirSync(cache)
    const own = Template.file(cache)!
    const old = `${own}.1.a.tmp`
    const young = `${own}.2.b.tmp`
    const other = path.join(cache, 'notes.tmp')
    for (const f of [old, young, other]) fs.writeFileSync(f, 'partial')
    const past = (Date.now() - Template.ABANDONED_MS - 60_000) / 1000
    fs.utimesSync(old, past, past)
    fs.utimesSync(other, past, past)
    await (await PgliteEventStore.make('memory', { templateDir: cache })).close()
    expect(fs.readdirSync(cache).sort()).toEqual(
      [path.basename(own), path.basename(young), 'notes.tmp'].sort(),
    )
  }, 60_000)

  it('is neither made from nor loaded into a directory holding other files', async () => {
    const other = path.join(tmp, 'other-cache')
    const dir = path.join(tmp, 'f')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine')
    await roundTrip(dir, other)
    expect(fs.existsSync(other)).toBe(false)
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine')
  }, 60_000)

  it('is kept in the user cache by default, and nowhere when templateDir is false', async () => {
    const xdg = path.join(tmp, 'xdg')
    const saved = process.env.XDG_CACHE_HOME
    process.env.XDG_CACHE_HOME = xdg
    try {
      await (await PgliteEventStore.make('memory', { templateDir: false })).close()
      expect(fs.existsSync(xdg)).toBe(false)
      await (await PgliteEventStore.make('memory')).close()
      expect(fs.readdirSync(path.join(xdg, 'docket'))).toEqual([path.basename(file)])
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = saved
    }
  }, 60_000)

  it("lives in the platform's cache directory", () => {
    expect(Template.defaultDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux')).toBe('/x/cache/docket')
    expect(Template.defaultDir({}, 'linux')).toBe(path.join(os.homedir(), '.cache', 'docket'))
    expect(Template.defaultDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Caches', 'docket'))
    expect(Template.defaultDir({ XDG_CACHE_HOME: 'relative' }, 'linux')).toBe(
      path.join(os.homedir(), '.cache', 'docket'),
    )
  })
})
