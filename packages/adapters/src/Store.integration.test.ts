import { collect, ok, Services, testEvent } from '@docket/core/testing'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import * as Store from './Store.js'
import { dropSchema } from './internal/pgTest.js'

const url = Services.pgUrl()
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'opening postgres:// store URLs',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('Store.open on PostgreSQL', () => {
  const schema = `docket_url_${process.pid}`
  afterAll(async () => {
    await dropSchema(url, schema)
  })

  it('opens postgres://…?schema= and finds the data again after reopening', async () => {
    const target = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`
    const a = await Store.open(target)()
    if (E.isLeft(a)) throw new Error(Store.describeError(a.left))
    const e = testEvent('c1', 0)
    await ok(a.right.append('c1', [e], 'no_stream'))
    await a.right.close()
    const b = await Store.open(target)()
    if (E.isLeft(b)) throw new Error(Store.describeError(b.left))
    expect((await collect(b.right.readAll())).map((s) => s.event.id)).toEqual([e.id])
    await b.right.close()
  })
})
