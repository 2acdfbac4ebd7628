import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

const uniTags = ['view', 'text', 'image', 'scroll-view', 'input', 'textarea', 'page-meta']

/** uni-app's conditional compilation, for the H5 side: drop `#ifdef MP-WEIXIN` blocks. */
function uniIfdefH5() {
  const blocks = [
    /<!--\s*#ifdef MP-WEIXIN\s*-->[\s\S]*?<!--\s*#endif\s*-->/g,
    /\/\/\s*#ifdef MP-WEIXIN[\s\S]*?\/\/\s*#endif/g,
  ]
  return {
    name: 'uni-ifdef-h5',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.*\.(vue|js|ts)$/.test(id)) return null
      return blocks.reduce((c, re) => c.replace(re, ''), code)
    },
  }
}

export default defineConfig({
  plugins: [uniIfdefH5(), vue({ template: { compilerOptions: { isCustomElement: (t) => uniTags.includes(t) } } })],
  define: { 'process.env.UNI_PLATFORM': JSON.stringify('h5') },
  test: { environment: 'jsdom', include: ['tests/unit/**/*.test.js'], setupFiles: ['tests/unit/setup.js'] },
})
