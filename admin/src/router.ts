import { useEffect, useSyncExternalStore } from 'react';

/**
 * A router of a dozen lines on the History API. react-router 8 needs Node 22 to build, and the
 * console has a handful of flat routes whose state (filters, cursors) lives in the query string,
 * so that links are shareable: this is all it needs.
 */
export const BASE = '/admin';

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** The console path (without /admin) and the query string. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) || '/' : '/';
  return { path, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const href = BASE + to;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  notify();
}

/** Sets the page title, for screen readers announcing the route change. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Admin console`;
  }, [title]);
}
