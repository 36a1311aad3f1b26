/**
 * The e-Evidence Regulation (EU) 2023/1543: European Production Orders
 * (produce within 10 days, 8 hours in an emergency) and European Preservation
 * Orders (preserve for 60 days, extendable by 30), from 2026-08-18.
 *
 * The reference read only secondary sources and says to treat the figures as
 * unconfirmed: every rule here is off unless the profile enables it.
 */
import {
  answered,
  authorityRequest,
  byRequest,
  emergency,
  all,
  not,
  released,
  withdrawn,
} from './internal/match.js'
import { at, rule } from './internal/rule.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'eu-e-evidence'
const ZONE = 'Europe/Brussels'
const APPLIES = at('2026-08-18', ZONE)
const REG = 'Regulation (EU) 2023/1543 (e-Evidence)'
const BASES = ['eu-e-evidence', 'eu-e-evidence/epoc', 'eu-e-evidence/epoc-emergency', 'eu-e-evidence/epoc-pr']
const NOTE =
  'Secondary sources only; the reference says "treat as UNCONFIRMED": off unless the profile enables it.'

const production = authorityRequest(['information_request'], BASES)

/** Art. 10: produce the data within 10 days of a European Production Order. */
export const productionOrder: Rule = rule({
  policy: ID,
  rule: 'epoc',
  row: 'eu-eevidence/epoc',
  kind: 'deadline',
  title: 'Produce data on a European Production Order',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'] },
  trigger:
    'An `AuthorityRequestReceived` of kind `information_request` with legal basis `eu-e-evidence`, not an emergency.',
  completion: 'An `AuthorityResponded` (`complied`, `disclosed` or `partially_complied`) for the same order.',
  notes: [NOTE],
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${REG} Art. 10, Art. 11`,
      quote: 'Production: 10 days (reference machine form `P10D`)',
      start: all(production, not(emergency)),
      key: byRequest,
      complete: answered,
      cancel: withdrawn,
      period: { duration: 'P10D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** Art. 10: emergency production within 8 hours. */
export const emergencyOrder: Rule = rule({
  policy: ID,
  rule: 'epoc-emergency',
  row: 'eu-eevidence/epoc',
  kind: 'deadline',
  title: 'Produce data on an emergency European Production Order',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'] },
  trigger:
    'An `AuthorityRequestReceived` of kind `information_request` with legal basis `eu-e-evidence` and `emergency: true`.',
  completion: 'An `AuthorityResponded` for the same order.',
  notes: [NOTE],
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${REG} Art. 10, Art. 11`,
      quote: 'emergency: 8 hours (reference machine form `PT8H`)',
      start: all(production, emergency),
      key: byRequest,
      complete: answered,
      cancel: withdrawn,
      period: { duration: 'PT8H', clock: 'elapsed' },
    },
  ],
})

/** Art. 11: preserve the data for 60 days on a European Preservation Order. */
export const preservationOrder: Rule = rule({
  policy: ID,
  rule: 'epoc-pr',
  row: 'eu-eevidence/epoc',
  kind: 'hold',
  title: 'Preserve data on a European Preservation Order',
  confidence: 'unconfirmed',
  dateZone: ZONE,
  scope: { jurisdictions: ['EU'] },
  trigger: 'An `AuthorityRequestReceived` of kind `preservation_request` with legal basis `eu-e-evidence`.',
  completion:
    'A `PreservationReleased` for the order, for `eu-e-evidence/epoc-pr`, or a general release; before `dueAt` it is a breach.',
  extensions: 'Extendable by 30 days by the issuing authority (`DeadlineExtended` `by: P30D`).',
  notes: [NOTE],
  versions: [
    {
      validFrom: APPLIES,
      validTo: null,
      zone: ZONE,
      citation: `${REG} Art. 10, Art. 11`,
      quote: 'Preservation: 60 days (`P60D`), extendable by 30 days',
      start: authorityRequest(['preservation_request'], BASES),
      key: byRequest,
      complete: released('eu-e-evidence/epoc-pr'),
      cancel: withdrawn,
      extendable: true,
      period: { duration: 'P60D', clock: 'calendar-days', endOfDay: true },
    },
  ],
})

/** The e-Evidence Regulation. */
export const policy: Policy = {
  id: ID,
  title: 'e-Evidence Regulation (EU) 2023/1543',
  jurisdictions: ['EU'],
  summary:
    'European Production Orders (10 days; 8 hours in an emergency) and Preservation Orders (60 days), from 2026-08-18. Unconfirmed.',
  rules: [productionOrder, emergencyOrder, preservationOrder],
  entries: [],
}
