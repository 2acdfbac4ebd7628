// The plan targets screen: rows as edited, the PUT request, problems on their rows, and the CSV
// the city can download and import back.
import type { components } from '../api/schema'
import type { Problem } from '../api/errors'

type Target = components['schemas']['TargetView']

export interface TargetRow {
  scope: string
  from_year: number
  to_year: number
  target: number
}

export function rowsOf(targets: Target[]): TargetRow[] {
  return targets.map((t) => ({ scope: t.scope, from_year: t.from_year, to_year: t.to_year, target: t.target }))
}

export function replaceRequest(rows: TargetRow[]) {
  return { targets: rows.map((r) => ({ ...r })) }
}

/** Problems by row index: `targets[2].to_year` belongs to row 2. */
export function problemsByRow(problems: Problem[]): Record<number, string[]> {
  const out: Record<number, string[]> = {}
  for (const p of problems) {
    const m = /^targets\[(\d+)\]/.exec(p.location)
    if (!m) continue
    ;(out[Number(m[1])] ??= []).push(p.message)
  }
  return out
}

export function toCsv(targets: Target[]): string {
  const lines = ['scope,name,from_year,to_year,target', ...targets.map((t) => [t.scope, t.scope_name, t.from_year, t.to_year, t.target].join(','))]
  return `${lines.join('\n')}\n`
}
