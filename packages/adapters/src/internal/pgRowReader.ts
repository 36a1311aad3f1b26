/**
 * A reader of a portal's rows straight from the connection's socket. While
 * the portal runs, the reader takes the socket from the driver and reads the
 * rows itself: a row is three slices of the socket's bytes (position and
 * revision as text, the body as UTF-8), without the driver's message object,
 * field array and event dispatch per row, which were most of the read's own
 * cost. Every other message (the end of the rows, an error, a notice) is
 * handed to the driver as it would have received it, and the socket is given
 * back to the driver at the end of the rows or at the first message it does
 * not expect. This leans on two details of `pg` 8: the connection's `stream`,
 * and its parser being that socket's `'data'` listener.
 *
 * It is not a protocol client: it sends nothing, and knows only the messages
 * of a running portal (rows, PortalSuspended, and the completions before the
 * first row); the portal that drives the query is `pgPortal.ts`.
 */

// model

/** Where a `RowReader` delivers what it reads. */
export interface RowSink {
  /** A row: position and body as text, revision as a number. */
  readonly push: (position: string, revision: number, body: string) => void
  /** The portal stopped after the rows asked for. */
  readonly handlePortalSuspended: () => void
}

// internal

const DATA_ROW = 0x44 // 'D'
const PORTAL_SUSPENDED = 0x73 // 's'
const PARSE_COMPLETE = 0x31 // '1'
const BIND_COMPLETE = 0x32 // '2'
const ROW_DESCRIPTION = 0x54 // 'T'

type Listener = (chunk: Buffer) => void

/** Node's slicing decoders of `Buffer` (what `toString(encoding, start, end)` calls after its checks). */
interface Slicing {
  latin1Slice(start: number, end: number): string
  utf8Slice(start: number, end: number): string
}

// constructors

/**
 * Reads the portal's rows straight from the socket (see the module header).
 * Messages are 1 code byte, a 4-byte length (counting itself) and the body; a
 * message cut between two chunks is kept until it is whole. Exported for its
 * tests.
 */
export class RowReader {
  private readonly driver: ReadonlyArray<Listener>
  private parts: Buffer[] = []
  private held = 0
  /** The whole length of the held message, 0 until its length is known. */
  private need = 0
  private attached = true

  constructor(
    private readonly stream: NodeJS.EventEmitter,
    private readonly portal: RowSink,
  ) {
    this.driver = stream.listeners('data') as Listener[]
    // ours first, then the driver's off: the socket always has a 'data' listener, so it never pauses
    stream.on('data', this.onData)
    for (const l of this.driver) stream.removeListener('data', l)
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.attached) return
    let buf = chunk
    let o = 0
    if (this.held > 0) {
      if (this.need === 0) {
        // fewer than 5 bytes held (the length was cut): join them to this chunk
        buf = Buffer.concat([...this.parts, chunk])
        this.release()
      } else {
        // complete the message cut at the end of the previous chunk, then read this chunk in place
        const want = this.need - this.held
        if (chunk.length < want) {
          this.hold(chunk)
          return
        }
        this.parts.push(chunk.subarray(0, want))
        const head = Buffer.concat(this.parts, this.need)
        this.release()
        if (!this.message(head, 0)) {
          this.detach(Buffer.concat([head, chunk.subarray(want)]))
          return
        }
        o = want
      }
    }
    const end = buf.length
    while (end - o >= 5) {
      const next = o + 1 + buf.readUInt32BE(o + 1)
      if (next > end) break
      if (!this.message(buf, o)) {
        this.detach(buf.subarray(o))
        return
      }
      o = next
    }
    if (o < end) this.hold(buf.subarray(o))
  }

  /** Keeps the start of a message cut by the end of a chunk (`need` is its whole length once known). */
  private hold(part: Buffer): void {
    this.parts.push(part)
    this.held += part.length
    if (this.need === 0 && this.held >= 5) {
      const start = this.parts.length === 1 ? part : Buffer.concat(this.parts, this.held)
      this.need = 1 + start.readUInt32BE(1)
    }
  }

  /** Forgets what was held. */
  private release(): { parts: Buffer[]; held: number } {
    const was = { parts: this.parts, held: this.held }
    this.parts = []
    this.held = 0
    this.need = 0
    return was
  }

  /** Handles the whole message at `o`; false when it is the driver's (the reader then gives the socket back). */
  private message(buf: Buffer, o: number): boolean {
    const code = buf[o]!
    if (code === DATA_ROW) return this.row(buf as Buffer & Slicing, o + 5)
    if (code === PORTAL_SUSPENDED) this.portal.handlePortalSuspended()
    // anything else (the end of the rows, an error, a notice…) is the driver's, from that message on
    else if (code !== PARSE_COMPLETE && code !== BIND_COMPLETE && code !== ROW_DESCRIPTION) return false
    return true
  }

  /** Reads the row whose fields start at `at`; false when it is not three non-null fields. */
  private row(buf: Buffer & Slicing, at: number): boolean {
    if (buf.readUInt16BE(at) !== 3) return false
    let o = at + 2
    const pLen = buf.readInt32BE(o)
    o += 4
    if (pLen < 1) return false
    const position = buf.latin1Slice(o, o + pLen)
    o += pLen
    const rLen = buf.readInt32BE(o)
    o += 4
    if (rLen < 1) return false
    let revision = 0
    for (let i = o, e = o + rLen; i < e; i++) revision = revision * 10 + (buf[i]! - 48)
    o += rLen
    const bLen = buf.readInt32BE(o)
    o += 4
    if (bLen < 0) return false
    this.portal.push(position, revision, buf.utf8Slice(o, o + bLen))
    return true
  }

  /** Gives the socket back to the driver, with the bytes it has not read yet. */
  detach(rest?: Buffer): void {
    if (!this.attached) return
    this.attached = false
    for (const l of this.driver) this.stream.on('data', l)
    this.stream.removeListener('data', this.onData)
    if (this.held > 0) {
      const was = this.release()
      const held = Buffer.concat(was.parts, was.held)
      rest = rest === undefined ? held : Buffer.concat([held, rest])
    }
    if (rest !== undefined && rest.length > 0) for (const l of this.driver) l(rest)
  }
}
