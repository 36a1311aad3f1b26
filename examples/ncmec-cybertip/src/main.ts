/**
 * Prints the CyberTipline report content for the case in a JSON Lines file
 * (default: this example's `case.jsonl`): the XML document, then, on
 * standard error, where each value came from and what the platform must add.
 * Usage: `node dist/main.js [events.jsonl]`. Exit 0, or 2 on bad input or a
 * case that gives no report.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Envelope, Jsonl } from '@docket/core'
import * as E from 'fp-ts/lib/Either.js'
import * as CyberTip from './CyberTip.js'

/** Runs the example on a file; returns the exit code. */
export const run = (file: string, out: (s: string) => void, err: (s: string) => void): number => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    // pnpm runs the script in this example's directory: say where a relative path was looked for
    err(
      `cannot read ${resolve(file)}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (give an absolute path)\n`,
    )
    return 2
  }
  const decoded = Jsonl.decodeText(text)
  if (decoded.errors.length > 0) {
    err(`${file}: ${decoded.errors.length} bad line(s), first at line ${decoded.errors[0]!.line}\n`)
    return 2
  }
  const events = decoded.events.map((l) => Envelope.withImportedRecordedAt(l.event))
  const report = CyberTip.build(events, {
    espName: 'Example Video Platform',
    urlOf: (ref) => `https://video.example/${ref}`,
  })
  if (E.isLeft(report)) {
    err(`${report.left.caseId}: ${report.left.reason}\n`)
    return 2
  }
  out(CyberTip.toXml(report.right))
  err(`provenance (field <- event id):\n`)
  for (const [field, id] of Object.entries(report.right.provenance)) err(`  ${field} <- ${id}\n`)
  err(
    `files to upload: ${report.right.files.map((f) => `${f.contentRef} (viewed by ESP: ${f.fileViewedByEsp})`).join(', ')}\n`,
  )
  err(`your integration must still supply:\n${report.right.missing.map((m) => `  - ${m}\n`).join('')}`)
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2).filter((a) => a !== '--')
  const file = args[0] ?? fileURLToPath(new URL('../case.jsonl', import.meta.url))
  process.exitCode = run(
    file,
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  )
}
