/**
 * Holiday calendars: which local dates are working days in a jurisdiction.
 * The holidays come from the maintained `date-holidays` package (public
 * holidays only: bank, school, optional and observance days are working
 * days), never from a hand-typed list. A calendar is named
 * `COUNTRY[-STATE[-REGION]]` (`FR`, `DE-BY`, `US`, `GB-SCT`). Weekends are
 * Saturday and Sunday for every calendar Docket's policies use.
 *
 * This module answers questions about dates; counting periods over them is
 * `Duration`'s job.
 */
import Holidays from 'date-holidays'

// model

/** A public holiday on a local date. */
export interface Holiday {
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string
  readonly name: string
}

// operations

const instances = new Map<string, Holidays | null>()
const byYear = new Map<string, ReadonlyArray<Holiday>>()
const dateSets = new Map<string, ReadonlySet<string>>()

const instance = (calendar: string): Holidays | null => {
  const cached = instances.get(calendar)
  if (cached !== undefined) return cached
  const [country, state, region] = calendar.split('-')
  const h = new Holidays()
  if (country !== undefined) h.init(country, state ?? '', region ?? '')
  // An unknown country or state leaves the instance without data: check both.
  const known =
    country !== undefined &&
    h.getCountries()[country] !== undefined &&
    (state === undefined || h.getStates(country)?.[state] !== undefined) &&
    h.getHolidays(2024).length > 0
  const result = known ? h : null
  instances.set(calendar, result)
  return result
}

/** Whether `date-holidays` has data for the calendar (`FR`, `DE-BY`…). */
export const isKnown = (calendar: string): boolean => instance(calendar) !== null

/**
 * The public holidays of a calendar in a year, sorted by date.
 * Throws for a calendar `date-holidays` does not know: a rule naming it is a bug.
 */
export const holidays = (calendar: string, year: number): ReadonlyArray<Holiday> => {
  const k = `${calendar}|${year}`
  const cached = byYear.get(k)
  if (cached !== undefined) return cached
  const h = instance(calendar)
  if (h === null) throw new Error(`no holiday data for calendar ${JSON.stringify(calendar)} in date-holidays`)
  const seen = new Set<string>()
  const list: Holiday[] = []
  for (const x of h.getHolidays(year)) {
    if (x.type !== 'public') continue
    const date = x.date.slice(0, 10)
    if (seen.has(date) || !date.startsWith(String(year))) continue
    seen.add(date)
    list.push({ date, name: x.name })
  }
  list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  byYear.set(k, list)
  return list
}

const dateSet = (calendar: string, year: number): ReadonlySet<string> => {
  const k = `${calendar}|${year}`
  const cached = dateSets.get(k)
  if (cached !== undefined) return cached
  const s = new Set(holidays(calendar, year).map((h) => h.date))
  dateSets.set(k, s)
  return s
}

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** Whether the local date (`year`, `month` 1–12, `day`) is a public holiday in the calendar. */
export const isHoliday = (calendar: string, year: number, month: number, day: number): boolean =>
  dateSet(calendar, year).has(`${year}-${pad(month)}-${pad(day)}`)

/**
 * Whether a local date is a working day: not Saturday or Sunday (`weekday` 1 = Monday … 7 = Sunday,
 * as luxon numbers them) and not a public holiday of the calendar (when one is given).
 */
export const isWorkingDay = (
  calendar: string | undefined,
  year: number,
  month: number,
  day: number,
  weekday: number,
): boolean => weekday <= 5 && (calendar === undefined || !isHoliday(calendar, year, month, day))
