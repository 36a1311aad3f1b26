/**
 * PGlite in a data directory: data survives a restart, and a second process
 * opening the same directory is refused (real child processes running the
 * built package), while a lock left by a killed process is taken over.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { collect, ok, testEvent } from '@docket/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as PgliteEventStore from './PgliteEventStore.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const entry = path.join(root, 'packages/adapters/dist/pglite/index.js')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-pglite-'))

/** Runs `body` in a fresh Node process with `PgliteEventStore` in scope; resolves to what it prints as JSON. */
const child = (body: string, onSpawn?: (p: ChildProcess) => void): Promise<unknown> => {
  const script = path.join(tmp, `child-${Math.random().toString(36).slice(2)}.mjs`)
  fs.writeFileSync(script, `import { PgliteEventStore } from ${JSON.stringify(entry)}\n${body}\n`)
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn?.(p)
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => {
      out += d
    })
    p.stderr.on('data', (d) => {
      err += d
    })
    p.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop()
      if (line?.startsWith('{')) resolve(JSON.parse(line))
      else reject(new Error(`child exited ${code ?? signal}: ${out}${err}`))
    })
  })
}

beforeAll(() => {
  // the child processes run the built package: build it (a no-op when up to date)
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-b', 'packages/adapters'], {
    cwd: root,
    stdio: 'inherit',
  })
}, 120_000)

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('PGlite in a data directory', () => {
  it('keeps its data across a restart', async () => {
    const dir = path.join(tmp, 'restart')
    const a = await PgliteEventStore.make(dir)
    const e = testEvent('c1', 0)
    await ok(a.append('c1', [e], 'no_stream'))
    await a.checkpoints.save('watcher', '1')
    await a.close()
    expect(fs.existsSync(path.join(dir, 'docket.lock'))).toBe(false)
    const b = await PgliteEventStore.make(dir)
    expect((await ok(b.readStream('c1'))).map((s) => s.event)).toEqual([e])
    expect(await b.checkpoints.load('watcher')).toBe('1')
    await b.close()
  }, 60_000)

  it('refuses a second store on the same directory in this process', async () => {
    const dir = path.join(tmp, 'twice')
    const a = await PgliteEventStore.make(dir)
    await expect(PgliteEventStore.make(dir)).rejects.toThrow(/already open by this process/)
    await a.close()
  }, 60_000)

  it('refuses a second process, names the directory and advises PostgreSQL', async () => {
    const dir = path.join(tmp, 'shared')
    const a = await PgliteEventStore.make(dir)
    await ok(a.append('c1', [testEvent('c1', 0)], 'no_stream'))
    const refused = (await child(`
try {
  await PgliteEventStore.make(${JSON.stringify(dir)})
  console.log(JSON.stringify({ opened: true }))
} catch (e) {
  console.log(JSON.stringify({ opened: false, name: e.name, message: e.message, pid: e.pid }))
}`)) as { opened: boolean; name: string; message: string; pid: number }
    expect(refused.opened).toBe(false)
    expect(refused.name).toBe('StoreLockedError')
    expect(refused.pid).toBe(process.pid)
    expect(refused.message).toContain(dir)
    expect(refused.message).toContain('PostgreSQL')
    // our store is intact and still writable
    await ok(a.append('c1', [testEvent('c1', 1)], 0))
    await a.close()
    // once closed, another process may open it and sees the data
    const read = (await child(`
const s = await PgliteEventStore.make(${JSON.stringify(dir)})
const r = await s.readStream('c1')()
await s.close()
console.log(JSON.stringify({ revisions: r.right.map((e) => e.revision) }))`)) as { revisions: number[] }
    expect(read.revisions).toEqual([0, 1])
  }, 90_000)

  it('takes over the lock of a process that died', async () => {
    const dir = path.join(tmp, 'stale')
    let proc: ChildProcess | undefined
    const killed = child(
      `
const s = await PgliteEventStore.make(${JSON.stringify(dir)})
await s.append('c1', [{ id: 'e1', type: 'x-test.Noted', caseId: 'c1', occurredAt: '2026-01-01T00:00:00Z', recordedAt: '2026-01-01T00:00:00Z', data: {} }], 'no_stream')()
process.stderr.write('ready\\n')
setInterval(() => {}, 1000)`,
      (p) => {
        proc = p
      },
    ).catch(() => 'killed')
    // wait until the child has appended, then kill it without any cleanup
    await new Promise<void>((resolve) =>
      proc!.stderr!.on('data', (d) => String(d).includes('ready') && resolve()),
    )
    proc!.kill('SIGKILL')
    expect(await killed).toBe('killed')
    const lock = path.join(dir, 'docket.lock')
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(proc!.pid)
    const s = await PgliteEventStore.make(dir)
    expect((await collect(s.readAll())).map((e) => e.event.id)).toEqual(['e1'])
    await s.close()
  }, 90_000)
})
