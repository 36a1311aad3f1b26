/**
 * France's LCEN (loi 2004-575) art. 6-1 and 6-1-1 to 6-1-3: removal requests
 * from the administrative authority (OFAC) for child sexual abuse material and
 * terrorist provocation or apology, "dans un délai de vingt-quatre heures"
 * from receipt, and TCO removal injunctions within one hour. Dates and wall
 * times are read in Europe/Paris; hours are elapsed hours.
 *
 * Since the SREN version in force 2024-05-23, art. 6-2 II makes the 24 hours
 * run again in full after force majeure or de facto impossibility ends, and
 * after clarification of a manifestly erroneous or insufficient request
 * (note (b)5): the earlier version has no such restart.
 */
import {
  all,
  authorityRequest,
  byRequest,
  removed,
  sameRequest,
  stillUp,
  withdrawn,
} from './internal/match.js'
import { at, entry, rule, STILL_UP } from './internal/rule.js'
import { HOSTING } from './internal/scope.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'fr-lcen'
const ZONE = 'Europe/Paris'
const SREN = at('2024-05-23', ZONE)
const LCEN = 'LCEN (loi 2004-575)'
/**
 * Hosting providers: the reference's art. 6-2 row speaks of a removal request "to a hosting provider",
 * its art. 6-1-1 row of "The host"; not a search service.
 */
const SCOPE = {
  jurisdictions: ['FR'],
  providerTypes: HOSTING,
  note: 'Hosting providers (online platforms among them), not search services.',
}

const request = authorityRequest(['removal_order'], ['fr-lcen', 'fr-lcen/6-1'], ['FR'])
const pause = sameRequest('ForceMajeureDeclared', 'ClarificationRequested')
const restart = sameRequest('ForceMajeureEnded', 'ClarificationReceived')
const QUOTE_6_1 =
  'remove the content "dans un délai de vingt-quatre heures" "à compter de la réception de la demande de retrait"'

/** Art. 6-1: remove CSAM or terrorist content within 24 hours of the authority's request. */
export const removal: Rule = rule({
  policy: ID,
  rule: '6-1',
  row: 'fr-lcen/6-1',
  kind: 'deadline',
  title: 'Remove content on an OFAC removal request within 24 hours',
  confidence: 'primary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger:
    'An `AuthorityRequestReceived` of kind `removal_order` with legal basis `fr-lcen` or `fr-lcen/6-1` (or none, from a French authority): CSAM (art. 227-23 CP), terrorist provocation or apology (art. 421-2-5 CP), since 2025 torture or barbarity.',
  completion: 'The content removed or disabled.',
  pauses:
    'From 2024-05-23: `ForceMajeureDeclared` or `ClarificationRequested` for the request stop the clock.',
  restarts:
    'From 2024-05-23 (art. 6-2 II): the full 24 hours run again from `ForceMajeureEnded` or `ClarificationReceived`.',
  notes: [
    STILL_UP,
    'If not removed, the authority notifies ISPs, who must block "sans délai" (not the host’s clock).',
  ],
  versions: [
    {
      validFrom: at('2015-01-01', ZONE),
      validTo: SREN,
      zone: ZONE,
      datePrecision: 'year',
      note: 'The reference gives only the year (2015) for the 24-hour mechanism: read as 2015-01-01, the earliest instant it allows.',
      citation: `${LCEN} art. 6-1 (2014 text)`,
      quote: QUOTE_6_1,
      start: all(request, stillUp),
      key: byRequest,
      complete: removed(),
      cancel: withdrawn,
      period: { duration: 'PT24H', clock: 'elapsed' },
    },
    {
      validFrom: SREN,
      validTo: null,
      zone: ZONE,
      citation: `${LCEN} art. 6-1 and art. 6-2 II, as amended by the SREN law (loi 2024-449); décret 2025-146`,
      quote: `${QUOTE_6_1}; force majeure or de facto impossibility, manifest errors or insufficient information: the deadline runs from when those grounds cease / from receipt of clarification`,
      start: all(request, stillUp),
      key: byRequest,
      complete: removed(),
      pause,
      restart,
      cancel: withdrawn,
      period: { duration: 'PT24H', clock: 'elapsed' },
    },
  ],
})

/** Art. 6-1-1 to 6-1-3: remove within one hour of a TCO removal injunction. */
export const tcoInjunction: Rule = rule({
  policy: ID,
  rule: '6-1-1-tco',
  row: 'fr-lcen/6-1-1-tco',
  kind: 'deadline',
  title: 'Remove terrorist content within one hour of an OFAC removal injunction (TCO)',
  confidence: 'primary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger: 'An `AuthorityRequestReceived` of kind `removal_order` with legal basis `fr-lcen/6-1-1-tco`.',
  completion: 'The content removed or disabled.',
  pauses: 'As the TCO: `ForceMajeureDeclared` or `ClarificationRequested` stop the clock.',
  restarts: 'As the TCO: the full hour runs again from `ForceMajeureEnded` or `ClarificationReceived`.',
  notes: [
    STILL_UP,
    'Failure is punished by "un an d’emprisonnement et de 250 000 euros d’amende" (art. 6-1-3).',
    'The host may contest before the tribunal administratif within 48 h of receipt (secondary source): `AuthorityRequestContested` is recorded and does not stop the clock.',
    'The reference gives "2022" with the TCO applying from 2022-06-07 and the law of 2022-08-16: the rule starts at the law’s date.',
  ],
  versions: [
    {
      validFrom: at('2022-08-16', ZONE),
      validTo: null,
      zone: ZONE,
      citation: `${LCEN} art. 6-1-1 to 6-1-3 (loi 2022-1159)`,
      quote:
        'failure to remove "dans un délai d’une heure" is punished by "un an d’emprisonnement et de 250 000 euros d’amende"',
      start: all(authorityRequest(['removal_order'], ['fr-lcen/6-1-1-tco']), stillUp),
      key: byRequest,
      complete: removed(),
      pause,
      restart,
      cancel: withdrawn,
      period: { duration: 'PT1H', clock: 'elapsed' },
    },
  ],
})

/** The LCEN. */
export const policy: Policy = {
  id: ID,
  title: 'LCEN (loi 2004-575), France: administrative removal requests',
  jurisdictions: ['FR'],
  summary:
    'Remove CSAM and terrorist content within 24 hours of an OFAC request (restarting after force majeure or clarification since 2024-05-23), and within one hour of a TCO injunction.',
  rules: [removal, tcoInjunction],
  entries: [
    entry({
      policy: ID,
      rule: '6-2-first',
      row: 'fr-lcen/6-2-first',
      title: 'Advance information before a first CSAM removal request (authority side)',
      citation: `${LCEN} art. 6-2 I`,
      quote: '"au moins douze heures avant d’émettre la demande de retrait"',
      confidence: 'primary',
      since: '2024-05-23',
      reason: 'Binds the authority, not the platform.',
    }),
  ],
}
