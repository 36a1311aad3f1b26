/**
 * The reproducibility stamp every report carries: which library and policy
 * versions produced it, against which legal reference and time-zone database,
 * with which options, and over which history (the integrity chain head). Two
 * reports with equal stamps over the same events are byte-identical.
 *
 * The stamp holds no generation time: the output stays deterministic.
 */
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import type { Integrity } from '@docket/core'

// model

/** A policy module and its version, as the policy pack reports it. */
export interface PolicyVersion {
  readonly id: string
  readonly version: string
}

/** The reproducibility stamp. */
export interface Stamp {
  readonly library: { readonly cli: string; readonly core: string; readonly policies: string }
  readonly policyPack: ReadonlyArray<PolicyVersion>
  /** Date of the legal reference the rules were checked against. */
  readonly legalReferenceDate: string | null
  /** IANA time-zone database version of the runtime (`process.versions.tz`). */
  readonly tzdata: string | null
  /** The replay's options, normalised (sorted lists, explicit defaults). */
  readonly options: Readonly<Record<string, unknown>>
  /** Chain head of the sealed history read, or `null` when the events carry no seals. */
  readonly integrity: Integrity.ChainHead | null
}

// internal

const versionOf = (specifier: string): string => {
  try {
    const req = createRequire(import.meta.url)
    const file = req.resolve(specifier)
    return String((JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown')
  } catch {
    return 'unknown'
  }
}

const ownVersion = (): string => {
  try {
    const file = new URL('../../package.json', import.meta.url)
    return String((JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown')
  } catch {
    return 'unknown'
  }
}

// constructors

/** The versions of the libraries running now (`@docket/cli`, `@docket/core`, `@docket/policies`). */
export const library = (): Stamp['library'] => ({
  cli: ownVersion(),
  core: versionOf('@docket/core/package.json'),
  policies: versionOf('@docket/policies/package.json'),
})

/** Builds the stamp; library versions and tzdata are read from the runtime. */
export const make = (input: {
  readonly policyPack: ReadonlyArray<PolicyVersion>
  readonly legalReferenceDate: string | null
  readonly options: Readonly<Record<string, unknown>>
  readonly integrity: Integrity.ChainHead | null
}): Stamp => ({
  library: library(),
  policyPack: [...input.policyPack].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  legalReferenceDate: input.legalReferenceDate,
  tzdata: process.versions.tz ?? null,
  options: input.options,
  integrity: input.integrity,
})
