// The pickup QR code as runs of dark and light modules per row (few views to draw, in both the
// WeChat package and H5; no canvas needed).
import qrcode from 'qrcode-generator'

export function qrMatrix(text: string): { count: number; cells: boolean[][] } {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const count = qr.getModuleCount()
  const cells: boolean[][] = []
  for (let y = 0; y < count; y++) {
    const row: boolean[] = []
    for (let x = 0; x < count; x++) row.push(qr.isDark(y, x))
    cells.push(row)
  }
  return { count, cells }
}

export function qrRuns(text: string): { count: number; rows: { dark: boolean; n: number }[][] } {
  const { count, cells } = qrMatrix(text)
  const rows = cells.map((row) => {
    const runs: { dark: boolean; n: number }[] = []
    for (const dark of row) {
      const last = runs[runs.length - 1]
      if (last && last.dark === dark) last.n += 1
      else runs.push({ dark, n: 1 })
    }
    return runs
  })
  return { count, rows }
}
