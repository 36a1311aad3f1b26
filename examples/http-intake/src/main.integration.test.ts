import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Services } from '@docket/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { badReport, decision, report } from './fixtures.js'
import * as Main from './main.js'

const url = Services.pgUrl()
const execFileAsync = promisify(execFile)
const run = await Services.requireOrSkip({
  service: 'PostgreSQL',
  available: Services.pgAvailable(url),
  what: 'the http-intake example against PostgreSQL (examples/http-intake)',
  howToRun: `start PostgreSQL on ${url} (or set DOCKET_PG_URL)`,
})

describe.skipIf(!run)('http-intake service on PostgreSQL', () => {
  const schema = `intake_${process.pid}_${Date.now()}`
  let running: Main.Running | undefined

  afterAll(async () => {
    await running?.close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  })

  it('listens on a loopback port, stores a report and a decision, refuses bad input, reads the stream back', async () => {
    running = await Main.start({ DATABASE_URL: url, DOCKET_SCHEMA: schema, HOST: '127.0.0.1', PORT: '0' })
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const post = (path: string, body: unknown) =>
      fetch(`${running!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    const created = await post('/cases/case-pg/reports', report)
    expect(created.status).toBe(201)
    expect((await post('/cases/case-pg/decisions', decision)).status).toBe(201)

    const bad = await post('/cases/case-pg/reports', badReport)
    expect(bad.status).toBe(400)
    const issues = ((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)
    expect(issues.sort()).toEqual(['data.content.kind', 'data.jurisdictions', 'occurredAt'])

    const read = (await (await fetch(`${running.url}/cases/case-pg/events`)).json()) as {
      events: Array<{ id: string; type: string }>
    }
    expect(read.events.map((e) => e.type)).toEqual(['ContentReported', 'ReviewDecided'])

    // Really in PostgreSQL, in the service's own schema.
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const tables = await client.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    )
    await client.end()
    expect(tables.rows.length).toBeGreaterThan(0)
  })

  it('the recorded events give a replay report with the CLI (what a compliance team runs next)', async () => {
    const cli = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url))
    expect(existsSync(cli), `${cli} is missing: run tsc -b first`).toBe(true)
    const { stdout } = await execFileAsync(
      process.execPath,
      [cli, 'replay', '--store', `${url}?schema=${schema}`, '--report', 'json', '--quiet'],
      { env: { ...process.env, NO_COLOR: '1' } },
    )
    expect(stdout).toContain('case-pg')
    expect(() => JSON.parse(stdout)).not.toThrow()
  })

  it('seals what it stores: docket verify finds the chains intact (exit 0)', async () => {
    const cli = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url))
    const { stdout } = await execFileAsync(
      process.execPath,
      [cli, 'verify', '--store', `${url}?schema=${schema}`],
      { env: { ...process.env, NO_COLOR: '1' } },
    )
    expect(stdout).toContain('intact: 2 sealed event(s) in 1 stream(s)')
  })
})
