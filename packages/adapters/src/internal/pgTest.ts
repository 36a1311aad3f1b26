/**
 * Test support for the PostgreSQL integration tests: dropping the schema a
 * test created, through a connection of its own. Not used by the stores.
 */
import pg from 'pg'

/** Drops `schema` and everything in it, if it exists (close the stores using it first). */
export const dropSchema = async (url: string, schema: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await admin.end()
  }
}
