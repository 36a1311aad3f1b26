/** UTF-8 sizes, for code that encodes text into buffers of its own. */

/**
 * The most bytes `s` can take in UTF-8: three per UTF-16 code unit (a surrogate pair, two
 * units, is four bytes), so text of this bound fits without encoding it first.
 */
export const maxBytes = (s: string): number => 3 * s.length
