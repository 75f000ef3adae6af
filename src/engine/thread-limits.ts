// The heap limits of wobbly's own threads (the run's, the load's, the streams'). V8 sizes a
// thread's young generation when the thread starts and enlarges it in steps over a long run (a
// 10-minute full-speed load grew the CLI's RSS by 36 MB that way); a worker's can be capped, the
// main thread's only by a node flag at start-up (which is why the CLI runs the measurement in a
// worker, src/engine/run-thread.ts). Measured on 2 cores, 200 s at full speed with a probe: RSS
// after the first minute rose 7.5 MB/min on the main thread, 1.05 MB/min with these threads capped
// at 2 MB, the load's request count within 2 % (8 MB: no flatter, 9 MB higher throughout).
import type { ResourceLimits } from 'node:worker_threads';

export const THREAD_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 2 };
