// The policy file as the city edits it: every line numbered, each problem the API reports shown
// under its line (problems without a line above the file), and the what-if meals to quote.
import type { components } from '../api/schema'
import type { Problem } from '../api/errors'
import { birthDateForAge } from '../lib/dates'

export interface AnnotatedLine {
  n: number
  text: string
  problems: Problem[]
}

export function annotateLines(source: string, problems: Problem[]): { lines: AnnotatedLine[]; unplaced: Problem[] } {
  const texts = source.replace(/\r\n/g, '\n').split('\n')
  if (texts.length > 1 && texts[texts.length - 1] === '') texts.pop()
  const lines = texts.map((text, i) => ({ n: i + 1, text, problems: [] as Problem[] }))
  const unplaced: Problem[] = []
  for (const p of problems) {
    const line = p.line != null ? lines[p.line - 1] : undefined
    if (line) line.problems.push(p)
    else unplaced.push(p)
  }
  return { lines, unplaced }
}

export interface WhatIfForm {
  age: number
  categories: components['schemas']['ElderCategory'][]
  hukou: string
  service: string
  date: string
  slot: string
  mode: string
  gross: string
}

/** The what-if meal as the API takes it: the age becomes a birth date on the meal's date. */
export function whatIfMeal(form: WhatIfForm, effectiveFrom: string | null): components['schemas']['WhatIfMeal'] {
  const date = form.date || effectiveFrom || undefined
  const on = date ?? new Date().toISOString().slice(0, 10)
  return {
    birth_date: birthDateForAge(form.age, on),
    categories: form.categories,
    hukou_district_code: form.hukou,
    meal_point_district_code: form.service,
    ...(date ? { date } : {}),
    slot: form.slot as components['schemas']['Slot'],
    mode: form.mode as components['schemas']['ServiceMode'],
    gross: form.gross,
  }
}

export const POLICY_STATUS_LABELS: Record<string, string> = {
  scheduled: '待生效',
  in_force: '生效中',
  superseded: '已被替代',
  withdrawn: '已撤回',
}
