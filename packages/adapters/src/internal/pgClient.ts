/**
 * One short-lived PostgreSQL connection for a question asked once (does a
 * table exist, do stored keys unwrap), opened and ended around it; a pool is
 * for stores that stay open.
 */
import pg from 'pg'

/** Runs `f` on a connection of its own to `url`, ending it after; throws when the server cannot be reached. */
export const withClient = async <A>(
  url: string,
  f: (client: pg.Client) => Promise<A>,
  applicationName = 'docket-keys',
): Promise<A> => {
  const client = new pg.Client({ connectionString: url, application_name: applicationName })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await f(client)
  } finally {
    await client.end()
  }
}

/** Whether the table or index `name` (schema-qualified, quoted as needed) exists; creates nothing. */
export const relationExists = async (client: pg.ClientBase, name: string): Promise<boolean> => {
  const r = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name])
  return r.rows[0]?.found === true
}
