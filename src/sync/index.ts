// The sync module's public API: other modules and the composition roots import sync only from here.
export { SyncModule } from './sync.module.js';
export { SyncWorkerModule } from './sync-worker.module.js';
export { SyncSignals } from './sync-signals.js';
export { syncRouteBodies } from './sync-bodies.js';
