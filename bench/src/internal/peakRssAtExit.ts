/**
 * Preloaded into a process the benchmark spawns (`node --import …/peakRssAtExit.js`): at exit,
 * writes the process's peak RSS in MB (`processPeakRssMb`) to file descriptor 3, which the
 * spawning figure reads. A process spawned without that descriptor writes nothing.
 */
import { writeSync } from 'node:fs'
import { processPeakRssMb } from './measure.js'

process.on('exit', () => {
  try {
    writeSync(3, String(processPeakRssMb()))
  } catch {
    // no descriptor 3: nobody is reading
  }
})
