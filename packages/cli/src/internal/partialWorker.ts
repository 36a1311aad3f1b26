/**
 * The code of a worker thread of `Partial.openAll`: checks one partial report
 * (`Partial.check` of the file it was started with) and posts the outcome.
 */
import { parentPort, workerData } from 'node:worker_threads'
import * as Partial from '../reports/Partial.js'

if (parentPort === null) throw new Error('partialWorker runs in a worker thread')
parentPort.postMessage(Partial.check((workerData as { readonly file: string }).file))
