import './config/threadpool.js';
import 'reflect-metadata';
import { run } from './bootstrap/run.js';

// API process; APP_ROLE=all (the local default) also runs the worker role in this process.
await run();
