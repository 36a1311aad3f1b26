import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import * as Spool from './spool.js'
import * as Temporary from './temporary.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-spool-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = 'line one\nline two\nline three\n'

const spooled = async (input: NodeJS.ReadableStream, into: string): Promise<Spool.Spooled> => {
  const r = await Spool.spool(input, into)
  if (E.isLeft(r)) throw new Error(r.left)
  return r.right
}

const read = async (s: Spool.Spooled): Promise<string[]> => {
  const out: string[] = []
  for await (const batch of s.open()) out.push(...batch)
  return out
}

describe('Spool.spool: a copy of an input read once, to read twice', () => {
  it('copies the input to a private file in the directory given, read twice alike, removed by remove()', async () => {
    const into = mkdtempSync(join(dir, 'into-'))
    const s = await spooled(Readable.from([text.slice(0, 7), text.slice(7)]), into)
    expect(s.dir.startsWith(join(into, 'docket-import-'))).toBe(true)
    expect(statSync(s.dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(s.dir, 'input.jsonl')).mode & 0o777).toBe(0o600)
    expect(await read(s)).toEqual(['line one', 'line two', 'line three'])
    expect(await read(s)).toEqual(['line one', 'line two', 'line three'])
    expect(s.changed()).toBeUndefined()
    s.remove()
    expect(readdirSync(into)).toEqual([])
  })

  it('is held as temporary until removed, so an interrupted docket removes it', async () => {
    const s = await spooled(Readable.from([text]), dir)
    Temporary.removeAll()
    expect(existsSync(s.dir)).toBe(false)
  })

  it('an input failing part-way gives Left with the reason, and leaves nothing behind', async () => {
    const into = mkdtempSync(join(dir, 'failing-'))
    const failing = new Readable({
      read() {
        this.push('line one\n')
        this.destroy(new Error('the pipe broke'))
      },
    })
    const r = await Spool.spool(failing, into)
    expect(E.isLeft(r) && r.left).toMatch(/^could not copy the input to .*docket-import-.*: the pipe broke$/)
    expect(readdirSync(into)).toEqual([])
  })

  it('a directory that does not exist gives Left with the reason', async () => {
    const r = await Spool.spool(Readable.from([text]), join(dir, 'no-such-dir'))
    expect(E.isLeft(r) && r.left).toMatch(/^could not make a directory for a copy of the input: ENOENT/)
  })
})
