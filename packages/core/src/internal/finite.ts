/**
 * Numbers JSON cannot hold. `JSON.parse` reads a literal too large for a
 * double (`1e400`, `-1e999`) as `Infinity`, and a caller in code can pass
 * `NaN`; `JSON.stringify` writes all three as `null`. An event holding one
 * would be stored, and exported, with `null` in its place: the value changed
 * and, where a codec wants a number, an export that no longer imports. So an
 * event is refused at the first boundary instead, naming each such field.
 *
 * This is a check beside the codecs, as `unknownFields` is: it walks every
 * key, those the codecs do not name included (a platform's own keys of
 * `data` and `meta`, kept verbatim).
 */

/** Whether `u` holds, at any depth, a number that is not finite (`Infinity`, `-Infinity`, `NaN`). */
export const hasNonFinite = (u: unknown): boolean => {
  if (typeof u === 'number') return !Number.isFinite(u)
  if (typeof u !== 'object' || u === null) return false
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) if (hasNonFinite(u[i])) return true
    return false
  }
  for (const k in u) if (Object.hasOwn(u, k) && hasNonFinite((u as Record<string, unknown>)[k])) return true
  return false
}

/** The dotted path (as `DecodeError` writes them) and value of every non-finite number in `u`, in key order. */
export const nonFinitePaths = (
  u: unknown,
  path = '',
): ReadonlyArray<{ readonly path: string; readonly value: number }> => {
  if (typeof u === 'number') return Number.isFinite(u) ? [] : [{ path, value: u }]
  if (typeof u !== 'object' || u === null) return []
  const entries: ReadonlyArray<readonly [string, unknown]> = Array.isArray(u)
    ? u.map((v, i) => [String(i), v] as const)
    : Object.entries(u)
  return entries.flatMap(([k, v]) => nonFinitePaths(v, path === '' ? k : `${path}.${k}`))
}

/** What an issue about a non-finite number expects. */
export const EXPECTED =
  'a finite number (JSON holds no Infinity or NaN: a literal such as 1e400 is too large for a double and would be stored as null)'
