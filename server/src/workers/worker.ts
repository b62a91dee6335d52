/**
 * A worker thread of the heavy-work pool (piscina): the street network arrives once, in shared
 * memory, with the thread's start; each task is then a plain call (see tasks.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { workerData } from 'piscina';
import { MinHeap } from '../geo/heap.js';
import { networkFromShared, type SharedNetwork } from '../network/shared.js';
import { runTask, type Task } from './tasks.js';

/**
 * Heavy work yields the CPU to the event loop: on Linux this thread lowers its own priority (nice 10),
 * so on a busy machine the scheduler runs the main thread, which answers requests, before it. The
 * thread's id is read from /proc; elsewhere the thread keeps the process's priority.
 */
function yieldToEventLoop(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid !== process.pid) os.setPriority(tid, Math.max(os.getPriority(tid), 10));
  } catch {
    // Not Linux, or not allowed: the priority stays as it is.
  }
}
yieldToEventLoop();

const shared = (workerData as { network: SharedNetwork | null } | undefined)?.network ?? null;
const network = shared ? networkFromShared(shared) : null;
// Tasks run one at a time in a thread: one heap serves them all.
const heap = new MinHeap(1 << 16);

export default function heavyTask(task: Task) {
  return runTask(network, task, heap);
}
