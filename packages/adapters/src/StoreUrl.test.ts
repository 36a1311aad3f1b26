import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as StoreUrl from './StoreUrl.js'

const parse = (u: string) => StoreUrl.parse(u)

describe('StoreUrl.parse', () => {
  it('understands every documented form', () => {
    expect(parse('memory:')).toEqual(E.right({ kind: 'memory' }))
    expect(parse('pglite:memory')).toEqual(E.right({ kind: 'pglite', dir: 'memory' }))
    expect(parse('pglite:./.docket/store')).toEqual(E.right({ kind: 'pglite', dir: './.docket/store' }))
    expect(parse('pglite:/var/lib/docket')).toEqual(E.right({ kind: 'pglite', dir: '/var/lib/docket' }))
    expect(parse('postgres://u:p@db:5432/app')).toEqual(
      E.right({ kind: 'postgres', url: 'postgres://u:p@db:5432/app' }),
    )
    expect(parse('postgresql://db/app?schema=tenant_1&sslmode=require')).toEqual(
      E.right({ kind: 'postgres', url: 'postgresql://db/app?sslmode=require', schema: 'tenant_1' }),
    )
    expect(parse('esdb://localhost:2113?tls=false')).toEqual(
      E.right({ kind: 'esdb', url: 'esdb://localhost:2113?tls=false' }),
    )
    expect(parse('kurrentdb://localhost:2113?tls=false')).toEqual(
      E.right({ kind: 'esdb', url: 'esdb://localhost:2113?tls=false' }),
    )
    expect(parse('kurrentdb+discover://a:2113,b:2113')).toEqual(
      E.right({ kind: 'esdb', url: 'esdb+discover://a:2113,b:2113' }),
    )
  })

  it('refuses what it does not understand, with the accepted forms', () => {
    for (const bad of ['', 'pglite:', 'mysql://x', 'file.jsonl', 'postgres://db/app?schema=Bad-Name']) {
      const r = parse(bad)
      expect(E.isLeft(r)).toBe(true)
      if (E.isLeft(r)) expect(r.left._tag).toBe('InvalidStoreUrl')
    }
    const r = parse('mysql://x')
    if (E.isLeft(r)) expect(r.left.message).toContain('pglite:<dir>')
  })

  it('refuses a schema given twice, or beginning with pg_ (reserved by PostgreSQL), naming why', () => {
    const message = (url: string): string => {
      const r = parse(url)
      return E.isLeft(r) ? r.left.message : 'accepted'
    }
    expect(message('postgres://db/app?schema=a&schema=b')).toContain('schema is given 2 times; give it once')
    expect(message('postgres://db/app?schema=pg_x')).toContain(
      'schema "pg_x": a name beginning with pg_ is reserved by PostgreSQL',
    )
    expect(message('postgres://db/app?schema=Bad-Name')).toContain(
      'schema "Bad-Name": use lowercase letters, digits and _ (max 63)',
    )
    expect(message('postgres://db/app?schema=pgx_1')).toBe('accepted')
  })

  it('hides passwords in messages', () => {
    expect(StoreUrl.redact('postgres://user:secret@db/app')).toBe('postgres://user:***@db/app')
    expect(StoreUrl.redact('esdb://admin:changeit@node:2113')).toBe('esdb://admin:***@node:2113')
    expect(StoreUrl.redact('pglite:./x')).toBe('pglite:./x')
  })

  it('marks only EventStoreDB experimental', () => {
    const kinds = ['memory:', 'pglite:memory', 'postgres://db/x', 'esdb://n:2113'].map((u) =>
      E.isRight(parse(u))
        ? StoreUrl.isExperimental((parse(u) as E.Right<StoreUrl.StoreUrl>).right)
        : undefined,
    )
    expect(kinds).toEqual([false, false, false, true])
  })
})
