import './config/threadpool.js';
import { enableCompileCache } from './bootstrap/compile-cache.js';

enableCompileCache();
// Imported after enableCompileCache() so that the whole app graph goes through the cache.
await import('reflect-metadata');
const { run } = await import('./bootstrap/run.js');

// Worker process: Bull processors and the outbox relay, no HTTP listener.
await run('worker');
