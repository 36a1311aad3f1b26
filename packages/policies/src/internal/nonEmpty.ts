/**
 * Lists in a custom condition document hold at least one item: an empty
 * `event`, `any` or field list would make a condition that never matches,
 * and an empty `all` one that always does, silently.
 */
import * as t from 'io-ts'

/** io-ts codec of an array of at least one `item`; an empty array fails naming the item's codec. */
export const nonEmpty = <C extends t.Mixed>(
  item: C,
): t.Type<Array<t.TypeOf<C>>, Array<t.OutputOf<C>>, unknown> =>
  t.refinement(t.array(item), (a) => a.length > 0, `a non-empty list of ${item.name}`)
