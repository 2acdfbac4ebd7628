import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const uniTags = ['view', 'text', 'image', 'scroll-view', 'input', 'textarea', 'page-meta']
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (t) => uniTags.includes(t) } } })],
  define: { 'process.env.UNI_PLATFORM': JSON.stringify('h5') },
  test: { environment: 'jsdom', include: ['tests/unit/**/*.test.js'], setupFiles: ['tests/unit/setup.js'] },
})
