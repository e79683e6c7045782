import './config/threadpool.js';
import 'reflect-metadata';
import { run } from './bootstrap/run.js';

// Worker process: Bull processors and the outbox relay, no HTTP listener.
await run('worker');
