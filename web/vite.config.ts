import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: webDir,
  plugins: [react()],
  build: {
    outDir: `${webDir}dist`,
    emptyOutDir: true,
    // The server's CSP allows scripts and styles from 'self' only: keep every asset a file, never inlined.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': { target: process.env.MOTCUA_API ?? 'http://localhost:8080', changeOrigin: false } },
  },
});
