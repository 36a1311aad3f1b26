/**
 * Brazil's ECA Digital (Lei 15.211/2025): when a platform identifies content
 * of child sexual abuse, kidnapping, grooming or exploitation, or is notified
 * of it by the victim, their representatives, the Ministério Público or
 * child-rights bodies, it must "remover e notificar imediatamente": remove it
 * and notify the competent national and international authorities. No number
 * in the law: both clocks take the internal target (default PT1H).
 *
 * In force 2026-03-17 or 18 (sources differ): the rules start at the earlier,
 * 2026-03-17 00:00 America/Sao_Paulo. Article numbers are unconfirmed.
 */
import { all, any, detected, removed, reported, stillUp } from './internal/match.js'
import { at, rule, STILL_UP } from './internal/rule.js'
import { HOSTING } from './internal/scope.js'
import type { Policy, Rule } from './Policy.js'

const ID = 'br-eca-digital'
const ZONE = 'America/Sao_Paulo'
const IN_FORCE = at('2026-03-17', ZONE)
const LAW = 'Lei 15.211/2025 (ECA Digital)'
const QUOTE = '"remover e notificar imediatamente"'

/** Categories of sexual abuse, kidnapping, grooming or exploitation of children. */
export const CATEGORIES: ReadonlyArray<string> = ['csam', 'sextortion', 'enticement', 'trafficking']

const identified = any(reported(...CATEGORIES), detected(...CATEGORIES))
const TRIGGER =
  'The platform identifies (a detection) or is notified (a report naming BR) of content of category `csam`, `sextortion`, `enticement` or `trafficking`.'
/** The reference's row: "The platform identifies content"; not a search service. */
const SCOPE = {
  jurisdictions: ['BR'],
  providerTypes: HOSTING,
  note: 'Platforms (the reference’s word); a profile without a provider type is taken to be one, a search service is not.',
}
const NOTE = 'In force "2026-03-17 or 18 (sources differ)": encoded from the earlier date.'

/** Remove the content immediately. */
export const remove: Rule = rule({
  policy: ID,
  rule: 'remove',
  row: 'br-eca-digital',
  kind: 'deadline',
  title: 'Remove child sexual abuse or exploitation content immediately',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger: TRIGGER,
  completion: 'The content removed or disabled.',
  notes: [STILL_UP, NOTE, '"imediatamente" has no number: internal target (default PT1H), never statutory.'],
  versions: [
    {
      validFrom: IN_FORCE,
      validTo: null,
      zone: ZONE,
      citation: LAW,
      quote: `${QUOTE}; remove content violating children’s rights on notice, without a court order`,
      start: all(identified, stillUp),
      complete: removed(),
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

/** Notify the competent national and international authorities immediately. */
export const notify: Rule = rule({
  policy: ID,
  rule: 'notify',
  row: 'br-eca-digital',
  kind: 'deadline',
  title: 'Notify the competent national and international authorities immediately',
  confidence: 'secondary',
  dateZone: ZONE,
  scope: SCOPE,
  trigger: TRIGGER,
  completion: 'A `MandatoryReportFiled` to any recipient.',
  notes: [NOTE],
  versions: [
    {
      validFrom: IN_FORCE,
      validTo: null,
      zone: ZONE,
      citation: LAW,
      quote: `${QUOTE}: notify competent national and international authorities`,
      start: identified,
      complete: (e) => e.type === 'MandatoryReportFiled',
      period: { duration: null, clock: 'unspecified' },
      defaultTarget: 'PT1H',
    },
  ],
})

/** The ECA Digital. */
export const policy: Policy = {
  id: ID,
  title: 'ECA Digital (Lei 15.211/2025), Brazil',
  jurisdictions: ['BR'],
  summary:
    'Remove child sexual abuse or exploitation content and notify the authorities immediately, from 2026-03-17.',
  rules: [remove, notify],
  entries: [],
}
