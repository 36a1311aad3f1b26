// A process manager in its own process, for the crash test
// (src/postgres/EscalationCrash.integration.test.ts): it runs the built
// packages (dist), watches a PostgreSQL store and posts every page to a
// webhook. Usage: node escalation-worker.mjs <pg-url> <schema> <profile-json> [webhook-url]
import { ProcessManager, Profile, Timer } from '@docket/core'
import { WebhookSink } from '../dist/index.js'
import { PostgresEventStore } from '../dist/postgres/index.js'

const [url, schema, profileJson, webhook] = process.argv.slice(2)
const profile = Profile.decode(JSON.parse(profileJson))
if (profile._tag === 'Left') throw new Error(`bad profile: ${JSON.stringify(profile.left)}`)
const store = await PostgresEventStore.make(url, { schema, pollMs: 50 })
const clock = { now: () => Date.now() }
const sinks =
  webhook === undefined ? [] : [WebhookSink.make({ url: webhook, baseDelayMs: 20, maxDelayMs: 200 })]
const pm = ProcessManager.make({
  store,
  timer: Timer.real(clock),
  profile: profile.right,
  sinks,
  backoff: { baseMs: 20, maxMs: 200 },
  // its own checkpoint often, so that a kill lands between saves and a restart resumes from one
  checkpointEveryMs: 200,
  log: (line) => process.stdout.write(`${line}\n`),
})
const ac = new AbortController()
process.once('SIGTERM', () => ac.abort())
process.stdout.write('worker: started\n')
await pm.run(ac.signal)
await store.close()
process.stdout.write('worker: stopped\n')
