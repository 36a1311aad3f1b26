/**
 * Checks of JavaScript strings as text a database keeps.
 */

/**
 * Whether `s` holds no unpaired UTF-16 surrogate (`String.prototype.isWellFormed`, ES2024, in
 * every Node this library supports): a database stores one as U+FFFD, so two ids differing only
 * there would be one. About ten times faster than testing `/\p{Cs}/u`, on every id decoded.
 */
export const isWellFormed = (s: string): boolean =>
  (s as unknown as { isWellFormed(): boolean }).isWellFormed()
