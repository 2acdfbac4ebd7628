import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// The service serves the build at /console/ (ZHUCAN_CONSOLE_DIR); `npm run dev` proxies the API
// to a service started with `cargo run` (ZHUCAN_API, default http://127.0.0.1:8080).
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  server: {
    proxy: { '/api': process.env.ZHUCAN_API || 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus')) return 'element-plus'
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    css: false,
  },
})
