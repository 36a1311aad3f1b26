import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as SorRules from './SorRules.js'

const rules = SorRules.shipped()
const raw = JSON.parse(fs.readFileSync(SorRules.defaultPath(), 'utf8')) as {
  example_minimal_valid: Record<string, unknown>
  fields: Record<string, SorRules.FieldRule>
}
const { _source, ...example } = raw.example_minimal_valid
const base: SorRules.Statement = Object.fromEntries(Object.entries(example).filter(([, v]) => v !== null))
const fieldsOf = (s: SorRules.Statement, patch: Record<string, unknown>): string[] =>
  SorRules.validate(
    Object.fromEntries(Object.entries({ ...s, ...patch }).filter(([, v]) => v !== undefined)),
    rules,
  ).map((v) => v.field)

describe('SorRules', () => {
  it('ships the rules of ../shared/reference/dsa-sor-rules.json unchanged', () => {
    const reference = new URL('../../../../../shared/reference/dsa-sor-rules.json', import.meta.url)
    if (!fs.existsSync(reference)) {
      console.warn(
        'SKIPPED dsa-sor-rules check: it needs the shared legal reference beside the repository (../shared/reference/dsa-sor-rules.json), absent in a clone without it; the shipped copy was not compared',
      )
      return
    }
    // equal as JSON (the copy is laid out by the repository's formatter)
    expect(JSON.parse(fs.readFileSync(SorRules.defaultPath(), 'utf8'))).toEqual(
      JSON.parse(fs.readFileSync(reference, 'utf8')),
    )
  })

  it("accepts the database's own minimal valid example", () => {
    expect(SorRules.validate(base, rules)).toEqual([])
  })

  it('refuses a rules file with a cross-field rule it does not implement', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sor-rules-'))
    const file = path.join(dir, 'rules.json')
    const copy = JSON.parse(fs.readFileSync(SorRules.defaultPath(), 'utf8'))
    copy.cross_field_rules.push({ id: 'new_rule', rule: 'something' })
    fs.writeFileSync(file, JSON.stringify(copy))
    const r = SorRules.load(file)
    expect(E.isLeft(r) && r.left.message).toContain('new_rule')
    fs.rmSync(dir, { recursive: true })
  })

  describe('field by field, from the rules file', () => {
    for (const [name, rule] of Object.entries(raw.fields)) {
      it(`${name}: ${[rule.required === true ? 'required' : '', rule.enum ? 'enum' : '', rule.maxLength ? `max ${rule.maxLength}` : '', rule.pattern ?? '', rule.format ?? ''].filter(Boolean).join(', ') || 'optional'}`, () => {
        if (rule.required === true) expect(fieldsOf(base, { [name]: undefined })).toContain(name)
        if (rule.enum && rule.type === 'string')
          expect(fieldsOf(base, { [name]: 'NOT_IN_THE_ENUM' })).toContain(name)
        if (rule.enum && rule.type === 'array<string>')
          expect(fieldsOf(base, { [name]: ['NOT_IN_THE_ENUM'] })).toContain(name)
        if (rule.type === 'string' && rule.maxLength !== undefined && !rule.enum && !rule.format)
          expect(fieldsOf(base, { [name]: 'a'.repeat(rule.maxLength + 1) })).toContain(name)
        if (rule.pattern !== undefined)
          expect(fieldsOf(base, { [name]: 'has space.and dot' })).toContain(name)
        if (rule.format?.startsWith('date')) {
          expect(fieldsOf(base, { [name]: '2023-4-4' })).toContain(name)
          expect(fieldsOf(base, { [name]: '2023-02-30' })).toContain(name)
          if (rule.maximum) expect(fieldsOf(base, { [name]: '2038-01-02' })).toContain(name)
          if (rule.minimum) expect(fieldsOf(base, { [name]: '1999-12-31' })).toContain(name)
        }
        if (rule.format === 'url') {
          expect(fieldsOf(base, { [name]: 'notvalidurl' })).toContain(name)
          expect(fieldsOf(base, { [name]: 'https://www.goodurl.com' })).not.toContain(name)
        }
        if (rule.nullable !== true && rule.required !== true)
          expect(fieldsOf(base, { [name]: null })).toContain(name)
        if (rule.type === 'array<string>' && rule.enum)
          expect(fieldsOf(base, { [name]: 'not an array' })).toContain(name)
        expect(fieldsOf(base, { unknown_field: 'x' })).toContain('unknown_field')
      })
    }
  })

  describe('cross-field rules', () => {
    it('at_least_one_restriction: a decision that restricts nothing is refused', () => {
      expect(fieldsOf(base, { decision_visibility: [] })).toContain('decision_visibility')
      expect(
        fieldsOf(base, { decision_visibility: undefined, decision_account: 'DECISION_ACCOUNT_SUSPENDED' }),
      ).toEqual([])
    })
    it('visibility_other, monetary_other, content_type_other: required with OTHER, excluded without', () => {
      expect(fieldsOf(base, { decision_visibility: ['DECISION_VISIBILITY_OTHER'] })).toContain(
        'decision_visibility_other',
      )
      expect(fieldsOf(base, { decision_visibility_other: 'x' })).toContain('decision_visibility_other')
      expect(fieldsOf(base, { decision_monetary: 'DECISION_MONETARY_OTHER' })).toContain(
        'decision_monetary_other',
      )
      expect(fieldsOf(base, { decision_monetary_other: 'x' })).toContain('decision_monetary_other')
      expect(fieldsOf(base, { content_type: ['CONTENT_TYPE_OTHER'] })).toContain('content_type_other')
      expect(fieldsOf(base, { content_type: ['CONTENT_TYPE_OTHER'], content_type_other: 'account' })).toEqual(
        [],
      )
    })
    it('ground_illegal / ground_incompatible: the matching ground and explanation, and only those', () => {
      expect(fieldsOf(base, { illegal_content_explanation: undefined })).toContain(
        'illegal_content_explanation',
      )
      expect(fieldsOf(base, { incompatible_content_ground: 'ToS 3.1' })).toContain(
        'incompatible_content_ground',
      )
      const incompatible = {
        decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
        illegal_content_legal_ground: undefined,
        illegal_content_explanation: undefined,
      }
      expect(fieldsOf(base, incompatible)).toEqual([
        'incompatible_content_ground',
        'incompatible_content_explanation',
      ])
      expect(
        fieldsOf(base, {
          ...incompatible,
          incompatible_content_ground: 'ToS 3.1',
          incompatible_content_explanation: 'x',
          incompatible_content_illegal: 'Yes',
        }),
      ).toEqual([])
      expect(fieldsOf(base, { incompatible_content_illegal: 'Yes' })).toContain(
        'incompatible_content_illegal',
      )
    })
    it('a text of white space only is missing, as the database trims it', () => {
      expect(fieldsOf(base, { illegal_content_legal_ground: '   ' })).toContain(
        'illegal_content_legal_ground',
      )
      expect(fieldsOf(base, { illegal_content_explanation: ' \n\t' })).toContain(
        'illegal_content_explanation',
      )
      expect(fieldsOf(base, { illegal_content_legal_ground: ' Art. 1 ' })).toEqual([])
    })
    it('a maximum length counts characters, not UTF-16 units', () => {
      const max = raw.fields.illegal_content_explanation!.maxLength!
      expect(fieldsOf(base, { illegal_content_explanation: '😀'.repeat(max) })).toEqual([])
      expect(fieldsOf(base, { illegal_content_explanation: '😀'.repeat(max + 1) })).toContain(
        'illegal_content_explanation',
      )
    })
    it('source_voluntary: no source identity for own-initiative decisions', () => {
      expect(fieldsOf(base, { source_type: 'SOURCE_VOLUNTARY' })).toContain('source_identity')
      expect(fieldsOf(base, { source_type: 'SOURCE_VOLUNTARY', source_identity: undefined })).toEqual([])
    })
    it('keyword_other, category_addition_dedupe, date order, end dates', () => {
      expect(fieldsOf(base, { category_specification_other: 'x' })).toContain('category_specification_other')
      expect(
        fieldsOf(base, { category_specification: ['KEYWORD_OTHER'], category_specification_other: 'x' }),
      ).toEqual([])
      expect(fieldsOf(base, { category_addition: [base.category] })).toContain('category_addition')
      expect(fieldsOf(base, { content_date: '2023-05-19' })).toContain('content_date')
      expect(fieldsOf(base, { end_date_visibility_restriction: '2023-05-17' })).toContain(
        'end_date_visibility_restriction',
      )
      expect(fieldsOf(base, { end_date_visibility_restriction: '2023-06-17' })).toEqual([])
    })
    it('puid_unique_per_platform: a repeated puid in one batch is refused', () => {
      expect(SorRules.validateAll([base, base], rules)).toEqual([
        {
          index: 1,
          violations: [expect.objectContaining({ field: 'puid', rule: 'puid_unique_per_platform' })],
        },
      ])
    })
  })
})
