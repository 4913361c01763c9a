// Builds the web app into dist/, which the server serves: two pages, the clinician app
// (index.html, at `/`) and the patient portal (portal.html, at `/portal`). No inline scripts or
// styles in the output, so the server's strict Content-Security-Policy holds.
import { join } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { main: join(import.meta.dirname, 'index.html'), portal: join(import.meta.dirname, 'portal.html') } },
  },
  server: { proxy: { '/fhir': 'http://localhost:8080', '/oauth': 'http://localhost:8080', '/auth': 'http://localhost:8080' } },
});
