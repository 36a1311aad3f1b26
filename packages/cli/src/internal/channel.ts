/**
 * A bounded single-consumer channel: a producer pushes items (waiting while `high` of them are
 * unread), one consumer iterates them until the end. Not a queue shared by several consumers.
 */

/** A channel's two ends: `push` and `end` for the producer, `items` for the consumer. */
export interface Channel<A> {
  readonly push: (a: A) => Promise<void>
  readonly end: () => void
  readonly items: AsyncIterable<A>
}

/** A channel holding at most `high` unread items before `push` waits. */
export const channel = <A>(high = 10_000): Channel<A> => {
  let buffer: A[] = []
  let ended = false
  let wakeConsumer: (() => void) | undefined
  let wakeProducer: (() => void) | undefined
  return {
    push: async (a) => {
      buffer.push(a)
      wakeConsumer?.()
      if (buffer.length >= high) await new Promise<void>((r) => (wakeProducer = r))
    },
    end: () => {
      ended = true
      wakeConsumer?.()
    },
    items: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (buffer.length > 0) {
            const taken = buffer
            buffer = []
            const w = wakeProducer
            wakeProducer = undefined
            w?.()
            yield* taken
          } else if (ended) return
          else await new Promise<void>((r) => (wakeConsumer = r))
          wakeConsumer = undefined
        }
      },
    },
  }
}
