import { availableParallelism } from 'node:os';

/**
 * argon2 hashes on libuv's thread pool, which fs, dns.lookup and async crypto share. Its size is
 * read once, at first use, so this module is imported first by the entry points. Two threads
 * more than cores: a burst of logins keeps every core busy hashing and still leaves threads for
 * the rest. An explicit UV_THREADPOOL_SIZE wins.
 */
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
