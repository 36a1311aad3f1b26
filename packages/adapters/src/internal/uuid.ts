/**
 * UUID version 5 (RFC 9562: SHA-1 of a namespace and a name), used to give
 * EventStoreDB the UUID event ids it requires while Docket ids stay free-form
 * strings: the same Docket id always maps to the same UUID.
 */
import { createHash } from 'node:crypto'

/** The namespace of Docket event ids: the UUIDv5 of `https://docket.dev/ns/event-id` in the URL namespace. */
export const DOCKET_EVENT_NAMESPACE = '588df007-5dc9-547d-a77d-2734f8a8861b'

const bytes = (uuid: string): Buffer => {
  const hex = uuid.replace(/-/g, '')
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`)
  return Buffer.from(hex, 'hex')
}

/** The UUIDv5 of `name` (UTF-8) in `namespace`. */
export const v5 = (name: string, namespace: string = DOCKET_EVENT_NAMESPACE): string => {
  const h = createHash('sha1').update(bytes(namespace)).update(name, 'utf8').digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
