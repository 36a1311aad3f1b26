/**
 * Legal time zones the policy modules share: the zone and holiday calendar
 * of a Member State of establishment, for rules whose period is counted
 * where the provider is established (DSA Art. 20 windows, note (b)3 of the
 * legal reference; calendars are date-holidays country codes), and the zones
 * of a country whose law names none of them (Canada).
 */

const ZONES: Readonly<Record<string, string>> = {
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  BG: 'Europe/Sofia',
  CY: 'Asia/Nicosia',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  EE: 'Europe/Tallinn',
  ES: 'Europe/Madrid',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GR: 'Europe/Athens',
  HR: 'Europe/Zagreb',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IT: 'Europe/Rome',
  LT: 'Europe/Vilnius',
  LU: 'Europe/Luxembourg',
  LV: 'Europe/Riga',
  MT: 'Europe/Malta',
  NL: 'Europe/Amsterdam',
  PL: 'Europe/Warsaw',
  PT: 'Europe/Lisbon',
  RO: 'Europe/Bucharest',
  SE: 'Europe/Stockholm',
  SI: 'Europe/Ljubljana',
  SK: 'Europe/Bratislava',
}

/** Zone and calendar of the Member State of establishment; Belgium (the seat of the Commission) when none. */
export const establishment = (code: string | null): { readonly zone: string; readonly calendar: string } => {
  const zone = code === null ? undefined : ZONES[code]
  return zone === undefined || code === null
    ? { zone: 'Europe/Brussels', calendar: 'BE' }
    : { zone, calendar: code }
}

/**
 * Canada's zones: the tz database's `zone.tab` entries for CA, east to west. Rules whose Act names
 * no zone count their days in each and keep the later date (`ClockRule.Version.alsoZones`).
 */
export const CANADA: ReadonlyArray<string> = [
  'America/St_Johns',
  'America/Halifax',
  'America/Glace_Bay',
  'America/Moncton',
  'America/Goose_Bay',
  'America/Blanc-Sablon',
  'America/Toronto',
  'America/Iqaluit',
  'America/Atikokan',
  'America/Winnipeg',
  'America/Resolute',
  'America/Rankin_Inlet',
  'America/Regina',
  'America/Swift_Current',
  'America/Edmonton',
  'America/Cambridge_Bay',
  'America/Inuvik',
  'America/Creston',
  'America/Dawson_Creek',
  'America/Fort_Nelson',
  'America/Whitehorse',
  'America/Dawson',
  'America/Vancouver',
]
