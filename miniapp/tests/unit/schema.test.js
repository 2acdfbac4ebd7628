// The typed calls are checked against types generated from the service's OpenAPI document (its
// snapshot, tests/snapshots/openapi.json, which the Rust tests keep equal to the served one). If
// the API changed and `npm run gen:api` was not run, this fails: the mini program would be typed
// against an API that no longer exists. (After regenerating, `npm run typecheck` shows every
// screen that must follow the change.)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(__dirname, '../..')

describe('the generated API types', () => {
  it('match the OpenAPI snapshot (run `npm run gen:api` after an API change)', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zc-mp-schema-')), 'schema.d.ts')
    execFileSync(process.execPath, [path.join(root, 'node_modules/openapi-typescript/bin/cli.js'), path.join(root, '../tests/snapshots/openapi.json'), '-o', out], { stdio: 'ignore' })
    const fresh = fs.readFileSync(out, 'utf8')
    const committed = fs.readFileSync(path.join(root, 'src/api/schema.d.ts'), 'utf8')
    expect(committed === fresh, 'src/api/schema.d.ts is stale: run `npm run gen:api` in miniapp/').toBe(true)
  }, 30_000)
})
