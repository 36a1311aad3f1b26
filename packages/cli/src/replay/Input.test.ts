import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough } from 'node:stream'
import type { Recorded } from '@docket/core'
import { afterAll, describe, expect, it } from 'vitest'
import * as Fixtures from '../testing/ReplayFixtures.js'
import * as Input from './Input.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-input-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const openFile = async (file: string): Promise<Input.Input> => {
  const opened = await Input.open({ stdin: new PassThrough().end(), cwd: dir }, { _tag: 'File', path: file })
  if (opened._tag === 'Left') throw new Error(JSON.stringify(opened.left))
  return opened.right
}

describe('Input of a file', () => {
  it('reads events back by the handles it gave them, through a byte order mark, CRLF ends and blank lines', async () => {
    const events = [...Fixtures.cases()]
    const file = path.join(dir, 'events.jsonl')
    // blank lines of ideographic spaces: three bytes per character, so bytes and characters differ
    fs.writeFileSync(file, `\uFEFF${events.map((e) => JSON.stringify(e)).join('\r\n\u3000\u3000\r\n')}\r\n`)
    const input = await openFile(file)
    const byCase = new Map<string, Array<{ readonly event: Recorded; readonly handle: number }>>()
    const ids: string[] = []
    for await (const event of input.events) {
      ids.push(event.id)
      const list = byCase.get(event.caseId) ?? []
      list.push({ event, handle: input.readBack!.handle() })
      byCase.set(event.caseId, list)
    }
    expect(ids).toEqual(events.map((e) => e.id))
    expect(byCase.size).toBeGreaterThan(1)
    for (const [caseId, read] of byCase)
      expect(
        await input.readBack!.read(
          caseId,
          read.map((r) => r.handle),
        ),
      ).toEqual(read.map((r) => r.event))
    await input.close()
  })

  it('reads a named pipe as a stream, which cannot be read back', async () => {
    const fifo = path.join(dir, 'events.fifo')
    execFileSync('mkfifo', [fifo])
    const events = [...Fixtures.cases()]
    const writer = fs.createWriteStream(fifo)
    writer.end(events.map((e) => `${JSON.stringify(e)}\n`).join(''))
    const input = await openFile(fifo)
    expect(input.readBack).toBeUndefined()
    expect(input.fileLines).toBeUndefined()
    const ids: string[] = []
    for await (const e of input.events) ids.push(e.id)
    expect(ids).toEqual(events.map((e) => e.id))
    await input.close()
  })

  it('refuses to read back from a file written since it was read: the file changed during the replay', async () => {
    const file = path.join(dir, 'changing.jsonl')
    const [a, b] = [...Fixtures.cases()].filter((e, i, all) => e.caseId !== all[0]!.caseId || i === 0)
    const original = `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`
    fs.writeFileSync(file, original)
    const input = await openFile(file)
    const handles: number[] = []
    for await (const _ of input.events) handles.push(input.readBack!.handle())
    expect(await input.readBack!.read(a!.caseId, [handles[0]!])).toEqual([a])
    // the same lines written again: the same bytes, another modification time
    const later = new Date(fs.statSync(file).mtimeMs + 5_000)
    fs.writeFileSync(file, original)
    fs.utimesSync(file, later, later)
    await expect(input.readBack!.read(a!.caseId, [handles[0]!])).rejects.toThrow(
      `${file}: its size, modification time or inode differ from when it was read: the file changed during the replay`,
    )
    // the second line now starts where the first did: another size, and another case at byte 0
    fs.writeFileSync(file, `${JSON.stringify(b)}\n`)
    await expect(input.readBack!.read(a!.caseId, [handles[0]!])).rejects.toThrow(
      'the file changed during the replay',
    )
    await input.close()
  })
})
