/**
 * The template of a fresh PGlite data directory: the files PGlite's initdb
 * writes, kept once per installed PGlite build in the user's cache, so that
 * the next new store is loaded from them (`loadDataDir`) instead of running
 * initdb again. initdb is most of a new store's cost: PGlite runs it in a
 * second PostgreSQL instance beside the first, and a new store took about
 * 2 s and 850 MB of peak memory where loading the template takes about 0.6 s
 * and 400 MB (docs/performance.md, "A new PGlite store").
 *
 * The template holds initdb's output only, never Docket's schema (the store
 * runs its migrations after, as on any open) nor anything else: it is saved
 * only from a store whose directory held nothing but its `docket.lock`,
 * which is left out. Its file name carries PGlite's version and the sizes of
 * its WebAssembly and file-system bundles, so a template is never loaded by
 * another PGlite. It is written to a private file and renamed into place, so
 * concurrent creators each see a whole template or none; it is gzip'd, whose
 * checksum rejects a damaged file. Every failure here only falls back to
 * initdb: a template is an optimisation, never a reason an open fails.
 *
 * This is not a copy of a store: stores made from one template share
 * PostgreSQL's system identifier, which only physical replication reads.
 */
import { createHash, randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import type { PGlite } from '@electric-sql/pglite'
import { lockFile } from './dirLock.js'

const gunzip = promisify(zlib.gunzip)

/** The user's cache directory for Docket (`$XDG_CACHE_HOME/docket`, `~/Library/Caches/docket`, `%LOCALAPPDATA%\docket`, `~/.cache/docket`). */
export const defaultDir = (env: NodeJS.ProcessEnv = process.env, platform = process.platform): string => {
  const home = os.homedir()
  const base =
    env.XDG_CACHE_HOME !== undefined && path.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : platform === 'win32' && env.LOCALAPPDATA !== undefined
          ? env.LOCALAPPDATA
          : path.join(home, '.cache')
  return path.join(base, 'docket')
}

const size = (file: string): number => {
  try {
    return fs.statSync(file).size
  } catch {
    return -1
  }
}

let build: string | null | undefined

/** What names the installed PGlite build: its version and its bundles' sizes; null when it cannot be read. */
const pgliteBuild = (): string | null => {
  if (build !== undefined) return build
  build = null
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
    for (let up = 0; up < 4 && build === null; up++, dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'package.json')
      if (!fs.existsSync(manifest)) continue
      const p = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown }
      if (p.name !== '@electric-sql/pglite' || typeof p.version !== 'string') break
      const bundles = ['pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) =>
        size(path.join(dir, 'dist', f)),
      )
      build = `${p.version.replace(/[^0-9A-Za-z.+-]/g, '_')}-${createHash('sha256').update(bundles.join(',')).digest('hex').slice(0, 12)}`
    }
  } catch {
    build = null
  }
  return build
}

/** The template's file in `dir` for the installed PGlite, or undefined when its build cannot be told. */
export const file = (dir: string): string | undefined => {
  const b = pgliteBuild()
  return b === null ? undefined : path.join(dir, `pglite-${b}.tar.gz`)
}

/** Whether a data directory is new and empty but for its lock (or absent): a template may be loaded into it, or made from it. */
export const isEmpty = (dataDir: string): boolean => {
  try {
    return fs.readdirSync(dataDir).every((f) => f === path.basename(lockFile(dataDir)))
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT'
  }
}

// a tar file, as PGlite writes and reads it (ustar: 512-byte blocks, a header block then the data's blocks)

const BLOCK = 512

const field = (tar: Uint8Array, at: number, length: number): string => {
  const bytes = tar.subarray(at, at + length)
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end))
}

/** The entries of a tar: name (without a leading `/`), where its header starts and where the next one does. */
export const entries = (
  tar: Uint8Array,
): ReadonlyArray<{ readonly name: string; readonly start: number; readonly end: number }> => {
  const found: Array<{ name: string; start: number; end: number }> = []
  let at = 0
  while (at + BLOCK <= tar.length && tar.subarray(at, at + BLOCK).some((b) => b !== 0)) {
    const name = field(tar, at, 100)
    const prefix = field(tar, at + 257, 6).startsWith('ustar') ? field(tar, at + 345, 155) : ''
    const bytes = Number.parseInt(field(tar, at + 124, 12).trim() || '0', 8)
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`tar entry ${name}: bad size`)
    const end = at + BLOCK + Math.ceil(bytes / BLOCK) * BLOCK
    if (end > tar.length) throw new Error(`tar entry ${name}: truncated`)
    found.push({ name: (prefix === '' ? name : `${prefix}/${name}`).replace(/^\/+/, ''), start: at, end })
    at = end
  }
  return found
}

/** The pieces (views, not copies) of `tar` for its `kept` entries, then the end-of-archive blocks. */
const pieces = (tar: Uint8Array, kept: ReturnType<typeof entries>): ReadonlyArray<Uint8Array> => [
  ...kept.map((e) => tar.subarray(e.start, e.end)),
  new Uint8Array(2 * BLOCK),
]

// operations

/** The template in `file` as a tar for `loadDataDir`, or undefined when it is missing, damaged or not a data directory. */
export const load = async (file: string): Promise<Blob | undefined> => {
  try {
    const tar = new Uint8Array(await gunzip(await fs.promises.readFile(file)))
    if (!entries(tar).some((e) => e.name === 'PG_VERSION')) return undefined
    return new Blob([tar], { type: 'application/x-tar' })
  } catch {
    return undefined
  }
}

/** Removes a template that failed to load, so that the next new store makes it again. */
export const discard = (file: string): void => {
  fs.rmSync(file, { force: true })
}

/** How old a private file of a save must be to count as abandoned (a save takes about a second). */
export const ABANDONED_MS = 60 * 60 * 1000

/**
 * Removes the private files of saves that never finished (a process killed while saving) from the
 * cache directory `dir`: those older than {@link ABANDONED_MS}, so that no save in progress is touched.
 */
const removeAbandoned = (dir: string): void => {
  for (const f of fs.readdirSync(dir)) {
    if (!(f.startsWith('pglite-') && f.endsWith('.tmp'))) continue
    const at = path.join(dir, f)
    try {
      if (Date.now() - fs.statSync(at).mtimeMs > ABANDONED_MS) fs.rmSync(at, { force: true })
    } catch {}
  }
}

/**
 * Saves the data directory of `db`, a store initdb has just made (in memory, or in a directory that held
 * only its lock), as the template in `file`, leaving the lock out; gives up silently on any failure.
 */
export const save = async (db: PGlite, file: string): Promise<void> => {
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`
  try {
    const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer())
    // read once: whether it is a data directory, and what is kept of it (all but the lock)
    const all = entries(dump)
    if (!all.some((e) => e.name === 'PG_VERSION')) return
    const lock = path.basename(lockFile('.'))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    removeAbandoned(path.dirname(file))
    await pipeline(
      Readable.from(
        pieces(
          dump,
          all.filter((e) => e.name !== lock),
        ),
      ),
      zlib.createGzip({ level: 1 }),
      fs.createWriteStream(temporary, { flags: 'wx' }),
    )
    fs.renameSync(temporary, file)
  } catch {
    try {
      fs.rmSync(temporary, { force: true })
    } catch {}
  }
}
