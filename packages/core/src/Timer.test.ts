import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Clock from './Clock.js'
import * as Timer from './Timer.js'

const H = 3_600_000

afterEach(() => {
  vi.useRealTimers()
})

describe('Timer.real', () => {
  it('wakes at the instant on its clock, and early on an abort', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const clock = Clock.manual(0)
    const timer = Timer.real(clock)
    let woke = false
    void timer.sleepUntil(10_000).then(() => {
      woke = true
    })
    clock.set(9_999)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(woke).toBe(false)
    clock.set(10_000)
    await vi.advanceTimersByTimeAsync(1)
    expect(woke).toBe(true)
    const ac = new AbortController()
    const aborted = timer.sleepUntil(H, ac.signal)
    ac.abort()
    await aborted
  })

  it('notices within a minute that its clock jumped past the instant (a machine resumed from suspend)', async () => {
    // Node's timers count time the machine was awake; the wall clock counts the suspension too.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const clock = Clock.manual(0)
    const timer = Timer.real(clock)
    let woke = false
    void timer.sleepUntil(2 * H).then(() => {
      woke = true
    })
    await vi.advanceTimersByTimeAsync(1000)
    clock.set(3 * H)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(woke).toBe(true)
  })
})
