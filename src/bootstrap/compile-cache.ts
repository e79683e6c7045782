import module from 'node:module';

/** `module.enableCompileCache` exists from Node 22.1; @types/node follows the oldest Node we run. */
type WithCompileCache = { enableCompileCache?: (cacheDir?: string) => unknown };

/**
 * V8 keeps the compiled code of every module it loads on disk and reuses it at the next start
 * (NODE_COMPILE_CACHE, or the OS temp dir): the api's cold start on Node 24 is mostly parsing
 * and compiling ~2,000 modules (bench/README.md, cold-start). A no-op on Node 20. Only modules
 * loaded after the call profit, so the entry points import the app dynamically after it.
 */
export function enableCompileCache(): void {
  (module as WithCompileCache).enableCompileCache?.();
}
