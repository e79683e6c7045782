import './config/threadpool.js';
import { enableCompileCache } from './bootstrap/compile-cache.js';

enableCompileCache();
// Imported after enableCompileCache() so that the whole app graph goes through the cache.
await import('reflect-metadata');
const { run } = await import('./bootstrap/run.js');

// API process; APP_ROLE=all (the local default) also runs the worker role in this process.
await run();
