import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { ok, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import * as Store from './Store.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docket-store-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('Store.open', () => {
  it('opens memory:', async () => {
    const r = await Store.open('memory:')()
    if (E.isLeft(r)) throw new Error(Store.describeError(r.left))
    expect((await ok(r.right.append('c', [testEvent('c', 0)], 'no_stream'))).revision).toBe(0)
    await r.right.close()
  })

  it('opens pglite:<dir>, and refuses it a second time while open', async () => {
    const dir = path.join(tmp, 'store')
    const a = await Store.open(`pglite:${dir}`)()
    if (E.isLeft(a)) throw new Error(Store.describeError(a.left))
    const b = await Store.open(`pglite:${dir}`)()
    expect(E.isLeft(b) && b.left._tag).toBe('StoreLocked')
    if (E.isLeft(b)) expect(Store.describeError(b.left)).toContain('PostgreSQL')
    await a.right.close()
  }, 60_000)

  it('reports a bad URL as a value', async () => {
    const r = await Store.open('mysql://nope')()
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidStoreUrl')
  })

  it('reports an unreachable server as a value, saying what to check', async () => {
    const r = await Store.open('postgres://postgres:secret@127.0.0.1:1/none')()
    expect(E.isLeft(r) && r.left._tag).toBe('OpenFailed')
    if (E.isLeft(r)) {
      const message = Store.describeError(r.left)
      expect(message).toMatch(
        /^cannot open postgres:\/\/postgres:\*+@127\.0\.0\.1:1\/none: connect ECONNREFUSED/,
      )
      expect(message).toContain(
        '; check that the server is running and accepts TCP connections at 127.0.0.1:1',
      )
      expect(message).not.toContain('secret')
      expect(message).not.toContain('\n')
    }
  })
})

describe('experimental stores', () => {
  it('are announced through the warn option', async () => {
    const warnings: string[] = []
    // the driver loads but no server answers: the warning comes first, whatever happens next
    const r = await Store.open('esdb://127.0.0.1:1?tls=false', { warn: (m) => warnings.push(m) })()
    if (E.isRight(r)) await r.right.close()
    expect(warnings).toEqual([expect.stringContaining('experimental')])
  })
})
