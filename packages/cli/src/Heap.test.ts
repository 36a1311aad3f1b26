import { describe, expect, it } from 'vitest'
import * as Heap from './Heap.js'

describe('Heap.tighten', () => {
  it('leaves a growing factor the process was started with alone', () => {
    expect(Heap.tighten(['--heap-growing-percent=80'])).toBe(false)
    expect(Heap.tighten(['--max-old-space-size=512', '--heap_growing_percent=80'])).toBe(false)
  })

  it('sets its own otherwise (harmless here: only how soon this process collects)', () => {
    expect(Heap.tighten(['--max-old-space-size=512', '--enable-source-maps'])).toBe(true)
  })
})
