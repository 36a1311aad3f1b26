/**
 * The legal time zone and holiday calendar of a Member State of
 * establishment, for rules whose period is counted where the provider is
 * established (DSA Art. 20 windows, note (b)3 of the legal reference).
 * Calendars are date-holidays country codes.
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
