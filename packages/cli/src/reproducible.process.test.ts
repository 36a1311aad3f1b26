/**
 * A report's bytes do not depend on where it is made: the built `docket` replays a generated
 * history and hand-written EU cases with statements of reasons in every format, and as partials merged, under time zones with odd offsets
 * (Chatham's +12:45, St John's −03:30, none set) and locales whose numbers, dates and collation
 * differ (Arabic digits, the Buddhist calendar of th-TH). German separators, Asia/Kolkata and
 * Node 24 were checked by hand; docs/reports.md, "Reproducing a report", states the guarantee and
 * its limits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { History } from '@docket/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import * as Process from './testing/Process.js'
import * as ReplayFixtures from './testing/ReplayFixtures.js'

const runs = Process.runsBuilt('packages/cli/src/reproducible.process.test.ts')

const dir = mkdtempSync(join(tmpdir(), 'docket-reproducible-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const generated = join(dir, 'generated.jsonl')
writeFileSync(
  generated,
  `${[...History.generate({ events: 600, seed: 7 })].map((e) => JSON.stringify(e)).join('\n')}\n`,
)

// EU cases with every fact a statement of reasons needs: dsa-sor is not empty
const eu = join(dir, 'eu.jsonl')
writeFileSync(
  eu,
  `${ReplayFixtures.cases()
    .map((e) => JSON.stringify(e))
    .join('\n')}\n`,
)

const FORMATS = ['json', 'csv', 'md', 'html', 'dsa-sor', 'dsa-transparency'] as const

/** Environments an auditor's machine may have; the first is the reference. */
const ENVIRONMENTS: ReadonlyArray<Readonly<Record<string, string | undefined>>> = [
  { TZ: undefined, LANG: 'C', LC_ALL: 'C' },
  { TZ: 'Pacific/Chatham', LANG: 'ar_EG.UTF-8', LC_ALL: 'ar_EG.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'th_TH.UTF-8', LC_ALL: 'th_TH.UTF-8' },
]

/** Every file a replay of `input` writes in `env` (each format, its stamp sidecar, a 2-way merge), by name. */
const reports = (input: string, env: (typeof ENVIRONMENTS)[number], tag: string): Map<string, string> => {
  const out = new Map<string, string>()
  const write = (name: string, args: ReadonlyArray<string>): void => {
    const file = join(dir, `${tag}-${name}`)
    const r = Process.run(dir, [...args, '--quiet', '--out', file], undefined, env)
    expect(r.status, `${name}: ${r.stderr}`).toBe(0)
    out.set(name, readFileSync(file, 'utf8'))
  }
  for (const format of FORMATS) write(format, ['replay', input, '--report', format])
  for (const side of ['csv', 'dsa-sor'])
    out.set(`${side}.stamp`, readFileSync(join(dir, `${tag}-${side}.stamp.json`), 'utf8'))
  for (const i of [0, 1]) write(`part${i}`, ['replay', input, '--partition', `${i}/2`, '--report', 'partial'])
  write('merged.md', ['merge', join(dir, `${tag}-part0`), join(dir, `${tag}-part1`), '--report', 'md'])
  return out
}

describe.runIf(runs)(
  'the same events and options give the same report bytes in any time zone and locale',
  () => {
    it.each([
      ['a generated history', generated],
      ['EU cases with statements of reasons', eu],
    ])('%s', (name, input) => {
      const [reference, ...others] = ENVIRONMENTS.map((env, i) =>
        reports(input, env, `${name.replace(/ /g, '-')}-${i}`),
      )
      for (const [i, other] of others.entries())
        for (const [file, bytes] of reference!)
          expect(other.get(file), `${file} under ${JSON.stringify(ENVIRONMENTS[i + 1])}`).toBe(bytes)
    })
  },
)
