import {
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  SpanStatusCode,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
  context,
  trace,
} from '@opentelemetry/api'
import * as E from 'fp-ts/lib/Either.js'
import { afterEach, describe, expect, it } from 'vitest'
import * as Escalation from './Escalation.js'
import * as Evaluation from './Evaluation.js'
import * as MemoryEventStore from './MemoryEventStore.js'
import * as Observability from './Observability.js'
import * as Profile from './Profile.js'

// A recording tracer provider: the smallest real implementation of the API's interfaces, no SDK.
interface Recorded {
  readonly name: string
  readonly attributes: Record<string, unknown>
  status: SpanStatus
  ended: boolean
  exceptions: unknown[]
}

const recorder = (): { readonly provider: TracerProvider; readonly spans: Recorded[] } => {
  const spans: Recorded[] = []
  const spanContext: SpanContext = {
    traceId: '0'.repeat(31) + '1',
    spanId: '0'.repeat(15) + '1',
    traceFlags: 1,
  }
  const startSpan = (name: string, options: SpanOptions = {}): Span => {
    const rec: Recorded = {
      name,
      attributes: { ...options.attributes },
      status: { code: SpanStatusCode.UNSET },
      ended: false,
      exceptions: [],
    }
    spans.push(rec)
    const span: Span = {
      spanContext: () => spanContext,
      setAttribute: (k, v) => {
        rec.attributes[k] = v
        return span
      },
      setAttributes: (a) => {
        Object.assign(rec.attributes, a)
        return span
      },
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: (s) => {
        rec.status = s
        return span
      },
      updateName: () => span,
      end: () => {
        rec.ended = true
      },
      isRecording: () => !rec.ended,
      recordException: (e) => {
        rec.exceptions.push(e)
      },
    }
    return span
  }
  const tracer: Tracer = {
    startSpan,
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const fn = rest[rest.length - 1] as (span: Span) => unknown
      const options = (rest.length > 1 ? rest[0] : {}) as SpanOptions
      const span = startSpan(name, options)
      return context.with(trace.setSpan(context.active() as Context, span), () => fn(span))
    }) as Tracer['startActiveSpan'],
  }
  return { provider: { getTracer: () => tracer }, spans }
}

afterEach(() => trace.disable())

describe('Observability.withSpan', () => {
  it('is a transparent no-op without an SDK', async () => {
    expect(Observability.withSpan('x', {}, () => 42)).toBe(42)
    await expect(Observability.withSpan('x', {}, async () => 'a')).resolves.toBe('a')
    expect(() =>
      Observability.withSpan('x', {}, () => {
        throw new Error('bug')
      }),
    ).toThrow('bug')
  })

  it('records a span with attributes, ends it, and marks throws and rejections as errors', async () => {
    const { provider, spans } = recorder()
    trace.setGlobalTracerProvider(provider)
    Observability.withSpan(Observability.SPANS.evaluate, { 'docket.cases': 3, skipped: undefined }, () => 1)
    await expect(
      Observability.withSpan(Observability.SPANS.append, { 'docket.stream': 'case-1' }, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(spans.map((s) => [s.name, s.attributes, s.ended, s.status.code])).toEqual([
      ['docket.evaluate', { 'docket.cases': 3 }, true, SpanStatusCode.UNSET],
      ['docket.append', { 'docket.stream': 'case-1' }, true, SpanStatusCode.ERROR],
    ])
    expect(spans[1]!.exceptions).toHaveLength(1)
  })

  it('traced marks a Left with its tag and returns it unchanged', async () => {
    const { provider, spans } = recorder()
    trace.setGlobalTracerProvider(provider)
    const left = E.left({ _tag: 'WrongExpectedRevision' as const })
    const out = await Observability.traced('docket.append', {})(async () => left)()
    expect(out).toBe(left)
    expect(spans[0]!.attributes['docket.error']).toBe('WrongExpectedRevision')
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR)
    const right = await Observability.traced('docket.append', {})(async () => E.right(1))()
    expect(right).toEqual(E.right(1))
    expect(spans[1]!.status.code).toBe(SpanStatusCode.UNSET)
  })
})

describe('Observability loggers', () => {
  it('json writes one line per record at or above the level; child adds fields; noop drops', () => {
    const lines: string[] = []
    const logger = Observability.child(
      Observability.json((l) => lines.push(l), 'info'),
      { component: 'w' },
    )
    Observability.debug(logger, 'hidden')
    Observability.info(logger, 'appended', { stream: 'case-1' })
    Observability.error(logger, 'failed', { component: 'x' })
    expect(lines).toEqual([
      '{"level":"info","message":"appended","component":"w","stream":"case-1"}\n',
      '{"level":"error","message":"failed","component":"x"}\n',
    ])
    expect(() => Observability.warn(Observability.noop, 'x')).not.toThrow()
  })
})

describe('Observability.traceStore', () => {
  it('puts a docket.append span around each append, marking a refused one with its tag', async () => {
    const { provider, spans } = recorder()
    trace.setGlobalTracerProvider(provider)
    const store = Observability.traceStore(MemoryEventStore.make())
    expect(Observability.traceStore(store)).toBe(store)
    const event = {
      id: 'e-1',
      type: 'CaseClosed',
      caseId: 'c-1',
      occurredAt: '2026-01-01T00:00:00Z',
      recordedAt: '2026-01-01T00:00:00Z',
      data: {},
    } as const
    expect(E.isRight(await store.append('c-1', [event], 'no_stream')())).toBe(true)
    expect(E.isLeft(await store.append('c-1', [{ ...event, id: 'e-2' }], 'no_stream')())).toBe(true)
    const appends = spans.filter((s) => s.name === 'docket.append')
    expect(
      appends.map((s) => [s.attributes['docket.case_id'], s.attributes['docket.events'], s.status.code]),
    ).toEqual([
      ['c-1', 1, SpanStatusCode.UNSET],
      ['c-1', 1, SpanStatusCode.ERROR],
    ])
    expect(appends[1]!.attributes['docket.error']).toBe('WrongExpectedRevision')
    await store.close()
  })
})

describe("Docket's own spans", () => {
  it('the memory store, the obligation engine and the escalation tick open their spans', async () => {
    const { provider, spans } = recorder()
    trace.setGlobalTracerProvider(provider)
    const store = MemoryEventStore.make()
    await store.append(
      'c-1',
      [
        {
          id: 'e-1',
          type: 'CaseClosed',
          caseId: 'c-1',
          occurredAt: '2026-01-01T00:00:00Z',
          recordedAt: '2026-01-01T00:00:00Z',
          data: {},
        },
      ],
      'no_stream',
    )()
    const report = Evaluation.evaluate([], { rules: [] })
    Escalation.tick({ caseId: 'c-1', history: [], config: Escalation.configOf(Profile.DEFAULTS) }, 0)
    expect(spans.map((s) => s.name)).toEqual(['docket.append', 'docket.evaluate', 'docket.escalation.tick'])
    expect(spans[1]!.attributes).toMatchObject({ 'docket.rules': 0, 'docket.cases': report.cases.length })
    expect(spans[2]!.attributes).toEqual({ 'docket.case_id': 'c-1' })
    expect(spans.every((s) => s.ended)).toBe(true)
    await store.close()
  })
})
