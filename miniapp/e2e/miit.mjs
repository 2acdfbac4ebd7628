// Measures the MIIT 2021 age-friendly numbers (《移动互联网应用(APP)适老化通用设计规范》) on the
// screen as the browser drew it, at a 375-px-wide viewport:
// - text: every visible element with text of its own has a computed font size ≥ 24 px (the spec's
//   适老版 floor is 18 dp/pt; 24 px at 375 wide is WeChat's 关怀模式 size), line height ≥ 1.3×;
// - touch targets: every clickable (buttons, inputs, links, anything marked .tap) is ≥ 60×60 px;
// - contrast: axe-core's color-contrast rule (≥ 4.5:1 for body text) finds nothing;
// - one main action: at most one visible .primary button.
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const LIMITS = { font: 24, tap: 60, lineHeight: 1.3, primary: 1 }

export async function measure(page) {
  const figures = await page.evaluate((LIMITS) => {
    const visible = (el) => {
      const r = el.getBoundingClientRect()
      if (r.width < 1 || r.height < 1) return false
      for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
        const s = getComputedStyle(e)
        if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false
      }
      return true
    }
    const describe = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} "${(el.innerText || el.value || el.placeholder || '').trim().slice(0, 20)}"`
    const texts = []
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
      if (!own || !visible(el)) continue
      const s = getComputedStyle(el)
      const size = parseFloat(s.fontSize)
      const lh = s.lineHeight === 'normal' ? null : parseFloat(s.lineHeight) / size
      texts.push({ what: describe(el), size, lh })
    }
    const clickSel = 'uni-button, button, a[href], input:not([type=hidden]), textarea, uni-input, uni-textarea, .tap, [role=button]'
    const taps = []
    for (const el of document.querySelectorAll(clickSel)) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      taps.push({ what: describe(el), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 })
    }
    const primaries = [...document.querySelectorAll('.primary')].filter(visible).length
    return {
      texts: texts.length,
      fontMin: Math.min(...texts.map((t) => t.size)),
      fontBreaches: texts.filter((t) => t.size < LIMITS.font - 0.01).map((t) => `${t.what}: ${t.size}px`),
      lineHeightBreaches: texts.filter((t) => t.lh !== null && t.lh < LIMITS.lineHeight - 0.01).map((t) => `${t.what}: line-height ${t.lh.toFixed(2)}`),
      taps: taps.length,
      tapMin: taps.length ? Math.min(...taps.map((t) => Math.min(t.w, t.h))) : null,
      tapBreaches: taps.filter((t) => t.w < LIMITS.tap - 0.01 || t.h < LIMITS.tap - 0.01).map((t) => `${t.what}: ${t.w}×${t.h}`),
      primaries,
    }
  }, LIMITS)
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE })
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations', 'passes'] })
    const v = r.violations.flatMap((x) => x.nodes.map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`))
    const ratios = r.passes.flatMap((x) => x.nodes.flatMap((n) => n.any.map((a) => a.data && a.data.contrastRatio).filter(Boolean)))
    return { violations: v, checked: ratios.length, minRatio: ratios.length ? Math.min(...ratios) : null }
  })
  figures.contrastBreaches = axe.violations
  figures.contrastChecked = axe.checked
  figures.contrastMin = axe.minRatio
  figures.breaches = [
    ...figures.fontBreaches.map((b) => `font < ${LIMITS.font}px: ${b}`),
    ...figures.lineHeightBreaches.map((b) => `line height < ${LIMITS.lineHeight}: ${b}`),
    ...figures.tapBreaches.map((b) => `touch target < ${LIMITS.tap}×${LIMITS.tap}: ${b}`),
    ...figures.contrastBreaches.map((b) => `contrast: ${b}`),
    ...(figures.primaries > LIMITS.primary ? [`${figures.primaries} main actions on one screen`] : []),
  ]
  return figures
}
