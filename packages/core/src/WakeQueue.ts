/**
 * A timer queue: keys (case ids) ordered by the next instant at which
 * something can change for them. It is a binary min-heap with a position
 * index, so scheduling, rescheduling and cancelling a key cost O(log n) and
 * the next wake is O(1): a host holding a million open cases sleeps exactly
 * until the earliest one instead of polling them all.
 *
 * Each key gets an integer slot once; the heap moves slots, and instants and
 * heap positions live in typed arrays indexed by slot, so a sift touches no
 * hash map. Ties are broken by key, so draining is deterministic.
 *
 * It is mutable on purpose (a host's working structure, never an event or a
 * value that crosses a boundary).
 */

// model

/** A scheduled key. */
export interface Entry {
  readonly key: string
  /** Epoch ms. */
  readonly at: number
}

/** A min-heap of keys by instant, with O(log n) reschedule and cancel. */
export interface WakeQueue {
  /** Number of scheduled keys. */
  readonly size: () => number
  /** Schedules `key` at `at`, replacing its previous instant; `null` cancels it. */
  readonly set: (key: string, at: number | null) => void
  /** Cancels `key`; true when it was scheduled. */
  readonly delete: (key: string) => boolean
  /** The instant of `key`, or `undefined`. */
  readonly get: (key: string) => number | undefined
  /** The earliest entry, or `undefined` when empty. */
  readonly peek: () => Entry | undefined
  /** Removes and returns every entry due at `now` (instant ≤ now), earliest first. */
  readonly popDue: (now: number) => ReadonlyArray<Entry>
  /** Every scheduled entry, in no particular order (for a checkpoint of the queue). */
  readonly entries: () => ReadonlyArray<Entry>
}

// constructors

/** An empty queue. */
export const make = (): WakeQueue => {
  const slotOf = new Map<string, number>()
  const keyOf: string[] = []
  const free: number[] = []
  let capacity = 1024
  let times = new Float64Array(capacity)
  /** Heap position of each slot, -1 when the slot is free. */
  let pos = new Int32Array(capacity).fill(-1)
  /** The heap: slots. */
  let heap = new Int32Array(capacity)
  let n = 0

  const grow = (): void => {
    capacity *= 2
    const t = new Float64Array(capacity)
    t.set(times)
    times = t
    const p = new Int32Array(capacity).fill(-1)
    p.set(pos)
    pos = p
    const h = new Int32Array(capacity)
    h.set(heap)
    heap = h
  }

  const less = (a: number, b: number): boolean => {
    const ta = times[a]!
    const tb = times[b]!
    return ta < tb || (ta === tb && keyOf[a]! < keyOf[b]!)
  }
  const place = (i: number, slot: number): void => {
    heap[i] = slot
    pos[slot] = i
  }
  const up = (start: number): void => {
    let i = start
    const slot = heap[i]!
    while (i > 0) {
      const parent = (i - 1) >> 1
      const ps = heap[parent]!
      if (!less(slot, ps)) break
      place(i, ps)
      i = parent
    }
    place(i, slot)
  }
  const down = (start: number): void => {
    let i = start
    const slot = heap[i]!
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && less(heap[r]!, heap[l]!) ? r : l
      const cs = heap[c]!
      if (!less(cs, slot)) break
      place(i, cs)
      i = c
    }
    place(i, slot)
  }
  const removeAt = (i: number): void => {
    const slot = heap[i]!
    n--
    if (i !== n) {
      place(i, heap[n]!)
      down(i)
      up(i)
    }
    pos[slot] = -1
    slotOf.delete(keyOf[slot]!)
    free.push(slot)
  }
  const del = (key: string): boolean => {
    const slot = slotOf.get(key)
    if (slot === undefined) return false
    removeAt(pos[slot]!)
    return true
  }

  return {
    size: () => n,
    set: (key, at) => {
      if (at === null) {
        del(key)
        return
      }
      const existing = slotOf.get(key)
      if (existing !== undefined) {
        const before = times[existing]!
        times[existing] = at
        if (at < before) up(pos[existing]!)
        else down(pos[existing]!)
        return
      }
      let slot = free.pop()
      if (slot === undefined) {
        slot = keyOf.length
        keyOf.push(key)
        if (slot >= capacity) grow()
      } else keyOf[slot] = key
      slotOf.set(key, slot)
      times[slot] = at
      place(n, slot)
      n++
      up(n - 1)
    },
    delete: del,
    get: (key) => {
      const slot = slotOf.get(key)
      return slot === undefined ? undefined : times[slot]
    },
    peek: () => (n === 0 ? undefined : { key: keyOf[heap[0]!]!, at: times[heap[0]!]! }),
    popDue: (now) => {
      const out: Entry[] = []
      while (n > 0 && times[heap[0]!]! <= now) {
        const slot = heap[0]!
        out.push({ key: keyOf[slot]!, at: times[slot]! })
        removeAt(0)
      }
      return out
    },
    entries: () => {
      const out: Entry[] = []
      for (let i = 0; i < n; i++) out.push({ key: keyOf[heap[i]!]!, at: times[heap[i]!]! })
      return out
    },
  }
}
