/**
 * A LISTEN connection of its own (a dedicated `pg.Client`, never a pooled
 * one: a pool would hand the session to other queries and drop it when idle)
 * that says when it can be relied on. `up` is called once `LISTEN` has
 * returned: every NOTIFY committed from then on reaches `notify`. `down` is
 * called as soon as the connection is known lost (an error, the server ending
 * it, a heartbeat unanswered): notifications may be missed from then until the
 * next `up`. It then reconnects by itself, every `retryMs`, until closed. It is
 * not: a queue (notifications sent while it is down are gone), nor a guarantee
 * that a connection cut silently is noticed before the heartbeat fails.
 */
import pg from 'pg'

// model

/** What the listener reports. */
export interface Handlers {
  /** A notification on the channel, with its payload. */
  readonly notify: (payload: string) => void
  /** Listening: every NOTIFY committed from now on is delivered. */
  readonly up: () => void
  /** The connection is lost: notifications may be missed until the next `up`. */
  readonly down: () => void
}

/** Timings of the listener, in ms. */
export interface Timings {
  /** Wait between reconnection attempts. */
  readonly retryMs: number
  /** A `SELECT 1` on the connection this often; unanswered within as long, the connection counts as lost. */
  readonly heartbeatMs: number
}

/** A running listener. */
export interface Listener {
  /** Whether the connection is listening now. */
  readonly isUp: () => boolean
  /** Ends the connection and stops reconnecting; resolves once the connection is closed. */
  readonly close: () => Promise<void>
}

// constructors

/**
 * Starts listening to `channel` on a connection opened with `config`; resolves after the first
 * attempt, successful or not (a failed one is retried in the background).
 */
export const start = async (
  config: pg.ClientConfig,
  channel: string,
  handlers: Handlers,
  timings: Timings,
): Promise<Listener> => {
  let closed = false
  let current: pg.Client | undefined
  let ending: Promise<void> = Promise.resolve()
  let retry: NodeJS.Timeout | undefined
  let attempt: Promise<void> = Promise.resolve()
  let beat: NodeJS.Timeout | undefined

  const stopBeat = (): void => {
    if (beat !== undefined) clearInterval(beat)
    beat = undefined
  }

  const schedule = (): void => {
    if (closed || retry !== undefined) return
    retry = setTimeout(() => {
      retry = undefined
      attempt = connect()
    }, timings.retryMs)
    retry.unref()
  }

  const connect = async (): Promise<void> => {
    if (closed) return
    const client = new pg.Client({ keepAlive: true, ...config })
    let lost = false
    const lose = (): void => {
      if (lost) return
      lost = true
      client.removeAllListeners('notification')
      if (current === client) {
        current = undefined
        stopBeat()
        handlers.down()
      }
      const ended = client.end().catch(() => undefined)
      ending = ending.then(() => ended)
      schedule()
    }
    client.on('error', lose)
    client.on('end', lose)
    client.on('notification', (m) => {
      if (m.channel === channel) handlers.notify(m.payload ?? '')
    })
    try {
      await client.connect()
      await client.query(`LISTEN "${channel}"`)
    } catch {
      lose()
      return
    }
    if (lost) return
    if (closed) {
      lost = true
      await client.end().catch(() => undefined)
      return
    }
    current = client
    let pending = false
    beat = setInterval(() => {
      if (pending) return lose()
      pending = true
      client.query('SELECT 1').then(() => {
        pending = false
      }, lose)
    }, timings.heartbeatMs)
    beat.unref()
    handlers.up()
  }

  attempt = connect()
  await attempt
  return {
    isUp: () => current !== undefined,
    close: async () => {
      closed = true
      if (retry !== undefined) clearTimeout(retry)
      retry = undefined
      stopBeat()
      await attempt
      const client = current
      current = undefined
      if (client !== undefined) {
        client.removeAllListeners('notification')
        await client.end().catch(() => undefined)
      }
      await ending
    },
  }
}
