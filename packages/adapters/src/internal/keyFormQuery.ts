/**
 * How `MasterKey.check` finds a stored key of the form a master key cannot
 * read, through the key store's index on `length(key)`. Not: the check
 * itself (`MasterKey`) or how keys are wrapped (`keyWrap`).
 */

/**
 * The query finding one key of the form a master key (given or not) cannot read: a bare key when
 * one is given, a wrapped key (any other length) when none is. Written as ranges of `length(key)`
 * so the key store's index on it (`subject_keys_key_length`) answers at once, where a scan would
 * read every subject's key at the start of each command. `$1` is the length of a bare key.
 */
export const otherFormQuery = (table: string, masterGiven: boolean): string =>
  masterGiven
    ? `SELECT 1 FROM ${table} WHERE length(key) = $1 LIMIT 1`
    : `SELECT 1 FROM ${table} WHERE length(key) < $1 OR length(key) > $1 LIMIT 1`
