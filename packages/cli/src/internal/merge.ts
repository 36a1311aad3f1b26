/**
 * A k-way merge of sorted sequences with a binary heap: the reading side of
 * the replay's sorted runs (`replay/RunLines.ts`, `EventSort.ts`, `GlobalIds.ts`) and of merged
 * partitions (`replay/PartitionMerge.ts`). Not a sort: each input must already be in order, nor
 * a bound on how many files it reads at once (`fanIn.ts`).
 */

/** One input's current item and where it came from. */
interface Head<A> {
  readonly item: A
  readonly source: number
  readonly rest: Iterator<A>
}

/**
 * The items of every source in `compare` order, lazily. Items that compare equal come in
 * source order (lower index first), so a caller can tell which source an item came from.
 */
export function* mergeSorted<A>(
  sources: ReadonlyArray<Iterable<A>>,
  compare: (a: A, b: A) => number,
): Generator<{ readonly item: A; readonly source: number }> {
  const heap: Head<A>[] = []
  const less = (x: Head<A>, y: Head<A>): boolean => {
    const c = compare(x.item, y.item)
    return c < 0 || (c === 0 && x.source < y.source)
  }
  const up = (i: number): void => {
    const h = heap[i]!
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(h, heap[p]!)) break
      heap[i] = heap[p]!
      i = p
    }
    heap[i] = h
  }
  const down = (i: number): void => {
    const h = heap[i]!
    const n = heap.length
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && less(heap[r]!, heap[l]!) ? r : l
      if (!less(heap[c]!, h)) break
      heap[i] = heap[c]!
      i = c
    }
    heap[i] = h
  }
  sources.forEach((s, source) => {
    const rest = s[Symbol.iterator]()
    const n = rest.next()
    if (n.done !== true) {
      heap.push({ item: n.value, source, rest })
      up(heap.length - 1)
    }
  })
  while (heap.length > 0) {
    const top = heap[0]!
    yield { item: top.item, source: top.source }
    const n = top.rest.next()
    if (n.done !== true) heap[0] = { item: n.value, source: top.source, rest: top.rest }
    else {
      const last = heap.pop()!
      if (heap.length === 0) break
      heap[0] = last
    }
    down(0)
  }
}
