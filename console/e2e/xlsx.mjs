// Reads an XLSX file the way a spreadsheet would: the zip's central directory, each entry
// inflated, then the shared strings and the first sheet's rows. Only what the exports use:
// shared and inline strings, numbers.
import zlib from 'node:zlib'

function entries(buf) {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)')
  const count = buf.readUInt16LE(eocd + 10)
  let at = buf.readUInt32LE(eocd + 16)
  const files = new Map()
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = buf.readUInt16LE(at + 10)
    const size = buf.readUInt32LE(at + 20)
    const nameLen = buf.readUInt16LE(at + 28)
    const extraLen = buf.readUInt16LE(at + 30)
    const commentLen = buf.readUInt16LE(at + 32)
    const local = buf.readUInt32LE(at + 42)
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen)
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const raw = buf.subarray(dataAt, dataAt + size)
    files.set(name, method === 8 ? zlib.inflateRawSync(raw) : raw)
    at += 46 + nameLen + extraLen + commentLen
  }
  return files
}

const unescape = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

function texts(xml) {
  return [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescape(m[1])).join('')
}

function column(ref) {
  const letters = /^[A-Z]+/.exec(ref)[0]
  return [...letters].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0) - 1
}

/** The first sheet's rows: each an array by column of strings (text cells) and numbers. */
export function readXlsx(buf) {
  const files = entries(buf)
  const shared = files.has('xl/sharedStrings.xml')
    ? [...files.get('xl/sharedStrings.xml').toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]))
    : []
  const sheetName = [...files.keys()].filter((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k)).sort()[0]
  if (!sheetName) throw new Error('no worksheet in the file')
  const sheet = files.get(sheetName).toString('utf8')
  const rows = []
  for (const row of sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = []
    for (const c of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1]
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)[1]
      const type = /\bt="(\w+)"/.exec(attrs)?.[1]
      const body = c[2] ?? ''
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1]
      let value = null
      if (type === 's') value = shared[Number(v)]
      else if (type === 'inlineStr') value = texts(body)
      else if (type === 'str') value = unescape(v ?? '')
      else if (v !== undefined) value = Number(v)
      cells[column(ref)] = value
    }
    rows.push(cells)
  }
  return rows
}
