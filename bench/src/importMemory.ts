/**
 * Peak memory of an import, read once against read twice: `node bench/dist/importMemory.js N`
 * writes a JSON Lines file of N events (distinct ids, 1,000 cases), then imports it in a child
 * process per path — `Import.run` on the file read once (as standard input is) and
 * `Import.runTwice` on the file read twice (as `docket import FILE` does) — and prints each
 * child's peak RSS. The store keeps nothing (it counts), so the figures are the import's own.
 */
import { spawnSync } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type EventStore, Import, Jsonl, MemoryEventStore } from '@docket/core'
import { processPeakRssMb } from './internal/measure.js'

const [count = '200000', mode, path] = process.argv.slice(2)
const n = Number(count)
if (!Number.isInteger(n) || n < 1) throw new Error('usage: importMemory.js N')

/** A store that answers every check with no conflict and counts what it is given. */
const counting = (): EventStore.EventStore => ({
  ...MemoryEventStore.make(),
  conflicts: () => async () => ({ _tag: 'Right', right: [] }),
  append: (_, events) => async () => ({
    _tag: 'Right',
    right: { revision: 0, appended: events.length, position: '0' },
  }),
})

const event = (i: number): string =>
  JSON.stringify({
    id: `evt-${i.toString().padStart(10, '0')}`,
    type: 'ExposureObserved',
    caseId: `case-${i % 1000}`,
    occurredAt: '2026-04-01T08:00:00-07:00',
    actor: { kind: 'system', id: 'importer' },
    data: { views: i, shares: i % 7 },
  })

if (mode === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'docket-import-memory-'))
  try {
    const file = join(dir, 'events.jsonl')
    writeFileSync(file, Array.from({ length: n }, (_, i) => `${event(i)}\n`).join(''))
    for (const m of ['once', 'twice']) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), count, m, file], {
        encoding: 'utf8',
      })
      if (child.status !== 0) throw new Error(child.stderr)
      process.stdout.write(child.stdout)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
} else {
  const open = () => Jsonl.lineBatchesOf(createReadStream(path!))
  const store = counting()
  const started = performance.now()
  const r = mode === 'once' ? await Import.run(store, open())() : await Import.runTwice(store, open)()
  if (r._tag === 'Left') throw new Error(Import.describe(r.left))
  const ms = Math.round(performance.now() - started)
  process.stdout.write(
    `${JSON.stringify({ path: mode, events: n, appended: r.right.appended, ms, peakRssMb: processPeakRssMb() })}\n`,
  )
}
