/**
 * A timer queue: keys (case ids) ordered by the next instant at which
 * something can change for them. It is a binary min-heap with a position
 * index, so scheduling, rescheduling and cancelling a key cost O(log n) and
 * the next wake is O(1): a host holding a million open cases sleeps exactly
 * until the earliest one instead of polling them all.
 *
 * It is mutable on purpose (a host's working structure, never an event or a
 * value that crosses a boundary). Ties are broken by key, so draining is
 * deterministic.
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
}

// constructors

/** An empty queue. */
export const make = (): WakeQueue => {
  const keys: string[] = []
  const times: number[] = []
  const index = new Map<string, number>()

  const less = (i: number, j: number): boolean => {
    const a = times[i]!
    const b = times[j]!
    return a < b || (a === b && keys[i]! < keys[j]!)
  }
  const swap = (i: number, j: number): void => {
    const ki = keys[i]!
    const kj = keys[j]!
    keys[i] = kj
    keys[j] = ki
    const ti = times[i]!
    times[i] = times[j]!
    times[j] = ti
    index.set(kj, i)
    index.set(ki, j)
  }
  const up = (start: number): void => {
    let i = start
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(i, parent)) return
      swap(i, parent)
      i = parent
    }
  }
  const down = (start: number): void => {
    let i = start
    const n = keys.length
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < n && less(l, m)) m = l
      if (r < n && less(r, m)) m = r
      if (m === i) return
      swap(i, m)
      i = m
    }
  }
  const removeAt = (i: number): void => {
    const last = keys.length - 1
    const key = keys[i]!
    if (i !== last) swap(i, last)
    keys.pop()
    times.pop()
    index.delete(key)
    if (i < keys.length) {
      down(i)
      up(i)
    }
  }
  const del = (key: string): boolean => {
    const i = index.get(key)
    if (i === undefined) return false
    removeAt(i)
    return true
  }

  return {
    size: () => keys.length,
    set: (key, at) => {
      if (at === null) {
        del(key)
        return
      }
      const i = index.get(key)
      if (i === undefined) {
        keys.push(key)
        times.push(at)
        index.set(key, keys.length - 1)
        up(keys.length - 1)
        return
      }
      const before = times[i]!
      times[i] = at
      if (at < before) up(i)
      else down(i)
    },
    delete: del,
    get: (key) => {
      const i = index.get(key)
      return i === undefined ? undefined : times[i]
    },
    peek: () => (keys.length === 0 ? undefined : { key: keys[0]!, at: times[0]! }),
    popDue: (now) => {
      const out: Entry[] = []
      while (keys.length > 0 && times[0]! <= now) {
        out.push({ key: keys[0]!, at: times[0]! })
        removeAt(0)
      }
      return out
    },
  }
}
