import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is built into dist/console, which the API process serves at `/`. Each page is its own chunk
 * (lazy routes), so the first page loads only the shell and itself.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // The shared chunk (React, React Aria, the router) is ~600 kB raw, ~190 kB gzip: the first-page budget is in gzip.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `npx vite console` during development: the API of `npm start` answers /v1.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
