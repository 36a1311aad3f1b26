/**
 * The officially assigned ISO 3166-1 alpha-2 country codes (ISO 3166-1:2020,
 * "Codes for the representation of names of countries and their
 * subdivisions — Part 1: Country code"), 249 of them: the list as of
 * 2026-11-26. The set of codes has not changed since the ISO 3166
 * Maintenance Agency assigned `SS` (South Sudan) on 2011-08-09; later
 * changes renamed countries only (`CZ` Czechia, `MK` North Macedonia, `SZ`
 * Eswatini, `TR` Türkiye).
 *
 * A constant, not the runtime's `Intl.DisplayNames`: Node versions ship
 * different ICU data, and CLDR also names codes ISO does not assign (`EU`,
 * `EZ`, `UN`, `XK`, `ZZ`, `QO`, `AC`, `CP`, `CQ`, `DG`, `EA`, `IC`, `TA`, `XA`,
 * `XB`) and codes ISO deleted or only reserves (`UK`, `AN`, `CS`, `SU`, `YU`,
 * …). None of those is a jurisdiction here.
 */

// One line per first letter, sorted.
const BY_LETTER: ReadonlyArray<string> = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ',
  'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ',
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ',
  'DE DJ DK DM DO DZ',
  'EC EE EG EH ER ES ET',
  'FI FJ FK FM FO FR',
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY',
  'HK HM HN HR HT HU',
  'ID IE IL IM IN IO IQ IR IS IT',
  'JE JM JO JP',
  'KE KG KH KI KM KN KP KR KW KY KZ',
  'LA LB LC LI LK LR LS LT LU LV LY',
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ',
  'NA NC NE NF NG NI NL NO NP NR NU NZ',
  'OM',
  'PA PE PF PG PH PK PL PM PN PR PS PT PW PY',
  'QA',
  'RE RO RS RU RW',
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ',
  'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ',
  'UA UG UM US UY UZ',
  'VA VC VE VG VI VN VU',
  'WF WS',
  'YE YT',
  'ZA ZM ZW',
]

/** Every officially assigned ISO 3166-1 alpha-2 code, sorted (249). */
export const ALPHA2: ReadonlyArray<string> = BY_LETTER.join(' ').split(' ')

const assigned: ReadonlySet<string> = new Set(ALPHA2)

/** Whether `s` is an officially assigned ISO 3166-1 alpha-2 code (upper case only). */
export const isAlpha2 = (s: string): boolean => assigned.has(s)
