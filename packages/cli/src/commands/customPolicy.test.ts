/**
 * `--custom-policy FILE`: a platform's own policy document run beside the statutes by
 * `evaluate`, `replay` (one thread, worker threads, partitions merged) and listed by
 * `policies`; every problem of the file is exit 2, naming the file and the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { docket } from '../internal/testing.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-custom-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const repo = (path: string): string => fileURLToPath(new URL(`../../../../${path}`, import.meta.url))
const seed = repo('examples/seed-case/events.jsonl')
const acme = repo('examples/custom-policy/acme-trust-safety.yaml')

const write = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

interface Obligation {
  readonly id: string
  readonly policy: string
  readonly statutory: boolean
  readonly dueAt: string
  readonly targetAt: string | null
}
const obligationsOf = (json: string): ReadonlyArray<Obligation> =>
  (JSON.parse(json) as { cases: ReadonlyArray<{ obligations: ReadonlyArray<Obligation> }> }).cases.flatMap(
    (c) => c.obligations,
  )

describe('--custom-policy', () => {
  it('is the example of docs/policies/custom.md, byte for byte', () => {
    const doc = readFileSync(repo('docs/policies/custom.md'), 'utf8')
    expect(readFileSync(acme, 'utf8')).toBe(/```yaml\n([\s\S]*?)```/.exec(doc)![1])
  })

  it('evaluate runs its rules beside the statutes, internal and never statutory', async () => {
    const without = await docket(['evaluate', seed, '--format', 'json'])
    const withIt = await docket(['evaluate', seed, '--format', 'json', '--custom-policy', acme])
    expect(withIt.code, withIt.stderr).toBe(0)
    const custom = obligationsOf(withIt.stdout).filter((o) => o.policy === 'acme-trust-safety')
    // the seed case's CSAM reports each start a one-hour triage clock (per report)
    expect(custom.length).toBeGreaterThanOrEqual(5)
    expect(custom.every((o) => !o.statutory)).toBe(true)
    expect(custom[0]!.id).toBe('doe-v-twitter/acme-trust-safety/csam-triage/seed-001')
    // the statutes' obligations are unchanged
    expect(obligationsOf(withIt.stdout).filter((o) => o.policy !== 'acme-trust-safety')).toEqual(
      obligationsOf(without.stdout),
    )
  })

  it('lets --policies and the profile name its ids (internal targets apply)', async () => {
    const profile = write('profile.yaml', 'internalTargets:\n  acme-trust-safety/csam-triage: PT30M\n')
    const r = await docket([
      'evaluate',
      seed,
      '--format',
      'json',
      '--custom-policy',
      acme,
      '--policies',
      'acme-trust-safety',
      '--config',
      profile,
    ])
    expect(r.code, r.stderr).toBe(0)
    const obligations = obligationsOf(r.stdout)
    expect(new Set(obligations.map((o) => o.policy))).toEqual(new Set(['acme-trust-safety']))
    const first = obligations[0]!
    expect(Date.parse(first.dueAt) - Date.parse(first.targetAt!)).toBe(30 * 60_000)
    // without the document, the same profile names a rule that does not exist
    const without = await docket(['evaluate', seed, '--config', profile])
    expect(without.code).toBe(2)
    expect(without.stderr).toContain('internalTargets.acme-trust-safety/csam-triage')
  })

  it('replay gives the same bytes on one thread, on 2 workers and as 2 partitions merged, stamped with the document', async () => {
    const one = await docket(['replay', seed, '--report', 'json', '--quiet', '--custom-policy', acme])
    expect(one.code, one.stderr).toBe(0)
    expect(one.stdout).toContain('acme-trust-safety/csam-triage')
    const stamp = (
      JSON.parse(one.stdout) as { stamp: { policyPack: ReadonlyArray<{ id: string; version: string }> } }
    ).stamp.policyPack
    expect(stamp.find((p) => p.id === 'acme-trust-safety')?.version).toMatch(/^custom\+[0-9a-f]{12}$/)
    const two = await docket([
      'replay',
      seed,
      '--report',
      'json',
      '--quiet',
      '--workers',
      '2',
      '--custom-policy',
      acme,
    ])
    expect(two.code, two.stderr).toBe(0)
    expect(two.stdout).toBe(one.stdout)
    const parts = [0, 1].map((i) => join(dir, `part-${i}.jsonl`))
    for (const [i, out] of parts.entries()) {
      const r = await docket([
        'replay',
        seed,
        '--partition',
        `${i}/2`,
        '--report',
        'partial',
        '--out',
        out,
        '--quiet',
        '--custom-policy',
        acme,
      ])
      expect(r.code, r.stderr).toBe(0)
    }
    const merged = await docket(['merge', ...parts, '--report', 'json'])
    expect(merged.code, merged.stderr).toBe(0)
    expect(merged.stdout).toBe(one.stdout)
  })

  it('policies lists it after the statutes', async () => {
    const r = await docket(['policies', '--format', 'json', '--custom-policy', acme])
    expect(r.code, r.stderr).toBe(0)
    const ids = (JSON.parse(r.stdout) as { policies: ReadonlyArray<{ id: string }> }).policies.map(
      (p) => p.id,
    )
    expect(ids.at(-1)).toBe('acme-trust-safety')
    expect(ids).toContain('us-2258a')
    // it names no jurisdictions, so applies to every case: [] in JSON, said in words in text
    const acmeListing = (
      JSON.parse(r.stdout) as {
        policies: ReadonlyArray<{ id: string; jurisdictions: ReadonlyArray<string> }>
      }
    ).policies.at(-1)!
    expect(acmeListing.jurisdictions).toEqual([])
    const text = await docket(['policies', '--custom-policy', acme])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('acme-trust-safety — ACME trust & safety service levels [everywhere]\n')
  })

  it('refuses a missing file, a bad field and an id already taken, naming the file (exit 2)', async () => {
    const missing = await docket(['evaluate', seed, '--custom-policy', join(dir, 'nope.yaml')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope.yaml: no such file')
    const bad = write(
      'bad.yaml',
      'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: Nope }\n    period: 1h\n',
    )
    const badRun = await docket(['replay', seed, '--custom-policy', bad])
    expect(badRun.code).toBe(2)
    expect(badRun.stderr).toContain(`${bad}: rules.0.complete.event`)
    expect(badRun.stderr).toContain(`${bad}: rules.0.period`)
    expect(badRun.stdout).toBe('')
    // a condition that could never match, a target after the due time, an unknown zone
    const never = write(
      'never.yaml',
      'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported, outcome: [violation] }\n    complete: { event: ReviewDecided, outcome: [violaton] }\n    period: PT1H\n    target: PT2H\n    alsoZones: [Mars/Olympus]\n',
    )
    const neverRun = await docket(['evaluate', seed, '--custom-policy', never])
    expect(neverRun.code).toBe(2)
    expect(neverRun.stderr).toContain(
      `${never}: rules.0.start.outcome: got ["violation"], expected no outcome`,
    )
    expect(neverRun.stderr).toContain(`${never}: rules.0.complete.outcome.0: got "violaton", expected one of`)
    expect(neverRun.stderr).toContain(`${never}: rules.0.alsoZones.0: got "Mars/Olympus"`)
    const late = write(
      'late.yaml',
      'id: x\ntitle: t\nrules:\n  - rule: r\n    title: t\n    start: { event: ContentReported }\n    complete: { event: CaseClosed }\n    period: PT1H\n    target: PT2H\n',
    )
    const lateRun = await docket(['policies', '--custom-policy', late])
    expect(lateRun.code).toBe(2)
    expect(lateRun.stderr).toContain(
      `${late}: rules.0.target: got "PT2H", expected an internal target no longer`,
    )
    const statute = write('statute.yaml', 'id: us-2258a\ntitle: t\nrules: []\n')
    const taken = await docket(['policies', '--custom-policy', statute])
    expect(taken.code).toBe(2)
    expect(taken.stderr).toContain('"us-2258a" is already a statutory policy')
    const twice = await docket(['evaluate', seed, '--custom-policy', acme, '--custom-policy', acme])
    expect(twice.code).toBe(2)
    expect(twice.stderr).toContain('"acme-trust-safety" is already the id of')
  })
})
