/**
 * Preloaded into a process the benchmark spawns (`node --import …/peakRssAtExit.js`): at exit,
 * writes the process's peak RSS (kB, `resourceUsage().maxRSS`) to file descriptor 3, which the
 * spawning figure reads. A process spawned without that descriptor writes nothing.
 */
import { writeSync } from 'node:fs'

process.on('exit', () => {
  try {
    writeSync(3, String(process.resourceUsage().maxRSS))
  } catch {
    // no descriptor 3: nobody is reading
  }
})
