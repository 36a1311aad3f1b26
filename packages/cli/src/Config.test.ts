import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Profile } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import { afterAll, describe, expect, it } from 'vitest'
import * as Config from './Config.js'

const dir = mkdtempSync(join(tmpdir(), 'docket-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text)
  return name
}

const message = (r: E.Either<Config.ConfigError, Profile.Resolved>): string =>
  E.isLeft(r) ? r.left.message : 'loaded'

describe('Config', () => {
  it('takes the documented defaults, named default, without --config', () => {
    expect(Config.load(dir, undefined)).toEqual(E.right(Profile.DEFAULTS))
  })

  it('loads YAML and JSON profiles, with defaults for what they leave out', () => {
    const yaml = Config.load(dir, file('p.yaml', 'name: acme\nmarkets: [US, FR]\nsize: small\n'))
    expect(yaml).toEqual(E.right({ ...Profile.DEFAULTS, name: 'acme', markets: ['US', 'FR'], size: 'small' }))
    const json = Config.load(dir, file('p.json', '{"name":"acme","timeZone":"Europe/Paris"}'))
    expect(E.isRight(json) && json.right.timeZone).toBe('Europe/Paris')
    const empty = Config.load(dir, file('empty.yaml', ''))
    expect(empty).toEqual(E.right({ ...Profile.DEFAULTS, name: 'empty.yaml' }))
  })

  it('names a profile without name after its file, so that it is not taken for the defaults', () => {
    const nameless = Config.load(dir, file('nameless.json', '{"timeZone":"Europe/Paris"}'))
    expect(E.isRight(nameless) && nameless.right.name).toBe('nameless.json')
    const nested = Config.load(dir, `./${file('n2.yaml', 'size: small\n')}`)
    expect(E.isRight(nested) && nested.right.name).toBe('n2.yaml')
  })

  it('names the file and the field path of every problem', () => {
    const unknown = message(Config.load(dir, file('u.yaml', 'name: x\ncolour: blue\n')))
    expect(unknown).toContain('u.yaml: colour')
    const nested = message(
      Config.load(
        dir,
        file(
          'n.yaml',
          'escalation:\n  ladder:\n    - level: 1\n      name: a\n      notify: [x]\n      acknowledgeWithin: soon\n',
        ),
      ),
    )
    expect(nested).toContain('n.yaml: escalation.ladder.0.acknowledgeWithin')
    expect(nested).toContain('ISO-8601 duration')
    const enumeration = message(Config.load(dir, file('e.yaml', 'size: huge\n')))
    expect(enumeration).toContain('size: got "huge", expected one of micro, small, other')
  })

  it('refuses unknown fields nested in the profile, naming the file and the full path', () => {
    const typo = message(
      Config.load(
        dir,
        file('vlop.json', '{"providerType":{"kind":"vlop","designationDate":"2023-04-25T00:00:00+02:00"}}'),
      ),
    )
    expect(typo).toContain('vlop.json: providerType.designationDate: got "2023-04-25T00:00:00+02:00"')
    expect(typo).toContain('no such field (known: kind, designatedAt)')
    expect(message(Config.load(dir, file('ladderr.yaml', 'escalation:\n  ladderr: []\n')))).toContain(
      'ladderr.yaml: escalation.ladderr: got [], expected no such field',
    )
    const ack = message(
      Config.load(
        dir,
        file(
          'ack.yaml',
          'escalation:\n  ladder:\n    - { level: 1, name: a, notify: [x], ackWithin: PT1H }\n',
        ),
      ),
    )
    expect(ack).toContain('ack.yaml: escalation.ladder.0.ackWithin: got "PT1H", expected no such field')
  })

  it('refuses rule ids that name no policy or rule, in enabledRules and internalTargets', () => {
    const bogus = message(
      Config.load(
        dir,
        file(
          'ids.yaml',
          'enabledRules: [eu-e-evidence, bogus/rule]\ninternalTargets:\n  us-2258a/reprot: PT2H\n',
        ),
      ),
    )
    expect(bogus).toContain(
      'ids.yaml: enabledRules.1: got "bogus/rule", expected a policy id or the policy/rule id',
    )
    expect(bogus).toContain('ids.yaml: internalTargets.us-2258a/reprot: got "us-2258a/reprot"')
    const known = Config.load(
      dir,
      file(
        'known.yaml',
        'enabledRules: [eu-dsa/21-ods, uk-osa]\ninternalTargets: { us-2258a/report: PT2H, eu-dsa: PT12H }\n',
      ),
    )
    expect(E.isRight(known) && known.right.enabledRules).toEqual(['eu-dsa/21-ods', 'uk-osa'])
  })

  it('reports unreadable or unparsable files', () => {
    expect(message(Config.load(dir, 'missing.yaml'))).toBe('missing.yaml: no such file')
    expect(message(Config.load(dir, file('bad.yaml', 'name: [unclosed\n')))).toContain(
      'bad.yaml: not valid YAML',
    )
    expect(message(Config.load(dir, file('list.yaml', '- a\n- b\n')))).toContain('a platform profile object')
  })
})
