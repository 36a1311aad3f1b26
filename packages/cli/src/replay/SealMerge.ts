/**
 * The seal merge: the seals of several partitions of one log, each read by a reader of its own
 * (a replay worker reading a store), folded into one integrity chain in log order as they come.
 * Not the fold of a reader that sees the whole log (`Lead`).
 */
import type { EventStore, Integrity } from '@docket/core'

// operations

/**
 * Folds the seals of several partitions of one log into one chain (`Integrity.chain`) in log order, each
 * partition's seals coming in its own log order, in batches of positions and hashes
 * (`[position, hash, position, hash, …]`), each batch with the position of the last event its
 * partition had read (`through`: its seals up to there are in this batch or earlier ones). The
 * smallest position among the partitions' next seals is folded as soon as every partition still
 * reading either has a seal waiting or has read past it (a batch with no seals says how far a
 * partition with no sealed events has read, so that it holds no other back), and a batch's
 * `consumed` is called once all of it is folded (the sender may then send another).
 */
export const sealMerge = (
  parts: number,
  compare: (a: EventStore.Position, b: EventStore.Position) => number,
  into: Integrity.Chain,
) => {
  const queues = Array.from({ length: parts }, () => ({
    batches: [] as Array<{
      readonly seals: ReadonlyArray<string>
      at: number
      readonly consumed: () => void
    }>,
    through: undefined as EventStore.Position | undefined,
    ended: false,
  }))
  const drain = (): void => {
    for (;;) {
      let next: (typeof queues)[number] | undefined
      let nextPosition = ''
      for (const q of queues) {
        const head = q.batches[0]
        if (head === undefined) continue
        const position = head.seals[head.at]!
        if (next === undefined || compare(position, nextPosition) < 0) {
          next = q
          nextPosition = position
        }
      }
      if (next === undefined) return
      // a partition still reading with nothing waiting may yet send an earlier seal, unless it has read past
      for (const q of queues)
        if (
          q.batches.length === 0 &&
          !q.ended &&
          (q.through === undefined || compare(q.through, nextPosition) < 0)
        )
          return
      const b = next.batches[0]!
      into.fold({ hash: b.seals[b.at + 1]! })
      b.at += 2
      if (b.at >= b.seals.length) {
        next.batches.shift()
        b.consumed()
      }
    }
  }
  return {
    /** Partition `i`'s next seals, read up to position `through`. */
    push: (
      i: number,
      seals: ReadonlyArray<string>,
      through: EventStore.Position | undefined,
      consumed: () => void,
    ): void => {
      const q = queues[i]!
      if (through !== undefined) q.through = through
      if (seals.length === 0) consumed()
      else q.batches.push({ seals, at: 0, consumed })
      drain()
    },
    /** Partition `i` has sent all its seals. */
    end: (i: number): void => {
      queues[i]!.ended = true
      drain()
    },
    /** Whether every partition has ended and every seal is folded. */
    done: (): boolean => queues.every((q) => q.ended && q.batches.length === 0),
  }
}
