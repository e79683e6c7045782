import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The api `npm run admin:dev` proxies to (start it with `npm run dev` or `npm start`). */
const api = process.env.ADMIN_DEV_API ?? 'http://localhost:3000';

// Served by the api at /admin (src/ops/console/console-static.ts): hashed files in assets/, no
// inline scripts (the page's CSP is `script-src 'self'`).
export default defineConfig({
  root: here,
  base: '/admin/',
  // Vite 8 compiles TSX itself (Oxc, React's automatic runtime); @vitejs/plugin-react would add
  // only Fast Refresh, and its Babel peer conflicts with jest's. Edits reload the page instead.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir:
      process.env.ADMIN_CONSOLE_DIR ?? fileURLToPath(new URL('../dist/admin', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    // The console's own API and bull-board stay same-origin with the page, as in production.
    proxy: { '/admin/api': api, '/admin/queues': api },
  },
});
