/**
 * Reads the documentation as data for the docs tests: every Markdown file,
 * its fenced code blocks (with info string and line), and every `docket …`
 * invocation written in it. Test support, not part of any package.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** One fenced code block. */
export interface Block {
  readonly file: string
  /** 1-based line of the opening fence. */
  readonly line: number
  /** Info string words: `ts`, `ts run`, `ts fragment`, `sh`… */
  readonly info: ReadonlyArray<string>
  readonly code: string
}

/** One `docket` invocation found in a doc. */
export interface Invocation {
  readonly file: string
  readonly line: number
  readonly text: string
  /** The command word, or undefined for `docket --help` style. */
  readonly command: string | undefined
  /** Long options, without dashes. */
  readonly flags: ReadonlyArray<string>
}

/** Every `.md` file under `dir` (recursively), skipping generated and dependency folders. */
export const files = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir)
    .filter((n) => !['node_modules', 'reference', 'dist'].includes(n) && !n.startsWith('.'))
    .flatMap((n) => {
      const p = join(dir, n)
      return statSync(p).isDirectory() ? files(p) : n.endsWith('.md') ? [p] : []
    })
    .sort()

/** Fenced code blocks of a Markdown text. */
export const blocks = (file: string, text: string): ReadonlyArray<Block> => {
  const out: Block[] = []
  const lines = text.split('\n')
  let open: { line: number; info: string[]; fence: string; body: string[] } | undefined
  lines.forEach((l, i) => {
    const fence = /^(\s*)(```+|~~~+)\s*(.*)$/.exec(l)
    if (open === undefined) {
      if (fence)
        open = {
          line: i + 1,
          info: fence[3]!.trim().split(/\s+/).filter(Boolean),
          fence: fence[2]!,
          body: [],
        }
    } else if (fence && fence[2]!.startsWith(open.fence) && fence[3]!.trim() === '') {
      out.push({ file, line: open.line, info: open.info, code: open.body.join('\n') })
      open = undefined
    } else {
      open.body.push(l)
    }
  })
  return out
}

const SHELL = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh', 'text'])

/** Splits a command line at shell separators and returns each `docket …` part. */
const invocationsIn = (file: string, line: number, text: string): Invocation[] =>
  text
    .split(/\|\||&&|[|;]/)
    .map((part) => part.trim().replace(/^\$\s+/, ''))
    .flatMap((part) => {
      const m = /(?:^|\s|npx\s+(?:-y\s+)?)docket((?:\s+\S+)*)/.exec(part)
      if (m === null || !/(^|\s)docket(\s|$)/.test(part)) return []
      const tokens = m[1]!.trim().split(/\s+/).filter(Boolean)
      const first = tokens[0]
      const command = first !== undefined && /^[a-z][a-z-]*$/.test(first) ? first : undefined
      const flags = tokens
        .map((t) => /^\[?--([a-z][a-z0-9-]*)/.exec(t)?.[1])
        .filter((f): f is string => f !== undefined)
      return [{ file, line, text: part, command, flags }]
    })

/** Every `docket` invocation in shell blocks and inline code spans. */
export const invocations = (file: string, text: string): ReadonlyArray<Invocation> => {
  const found: Invocation[] = []
  for (const b of blocks(file, text)) {
    if (!SHELL.has(b.info[0] ?? '')) continue
    b.code.split('\n').forEach((l, i) => {
      found.push(...invocationsIn(file, b.line + 1 + i, l.replace(/\s#.*$/, '')))
    })
  }
  let inFence = false
  text.split('\n').forEach((l, i) => {
    if (/^\s*(```|~~~)/.test(l)) inFence = !inFence
    if (inFence) return
    for (const m of l.matchAll(/`([^`]+)`/g)) {
      if (/^docket\s/.test(m[1]!.trim())) found.push(...invocationsIn(file, i + 1, m[1]!))
    }
  })
  return found
}

/**
 * The anchors a Markdown page has, as GitHub makes them from its headings
 * (the text lowercased, punctuation dropped, spaces as hyphens, `-1`, `-2`…
 * for repeats), and any `<a id="…">` or `<a name="…">` it writes.
 */
export const anchors = (text: string): ReadonlySet<string> => {
  const out = new Set<string>()
  const seen = new Map<string, number>()
  let inFence = false
  for (const l of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(l)) inFence = !inFence
    if (inFence) continue
    for (const m of l.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!)
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l)
    if (heading === null) continue
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return out
}

/** A path relative to the repository, for messages. */
export const rel = (root: string, p: string): string => relative(root, p)

/** Reads a file. */
export const read = (p: string): string => readFileSync(p, 'utf8')
