import { describe, it, expect } from 'vitest'
import { answersOf, canAsk } from '../../src/lib/subscribe.ts'

describe('subscribe messages', () => {
  it('reports the answers of the asked templates only, in the service shape', () => {
    const result = { errMsg: 'requestSubscribeMessage:ok', 'tmpl-a': 'accept', 'tmpl-b': 'reject', 'tmpl-x': 'accept', 'tmpl-c': 'nonsense' }
    expect(answersOf(result, ['tmpl-a', 'tmpl-b', 'tmpl-c'])).toEqual([
      { template_id: 'tmpl-a', answer: 'accept' },
      { template_id: 'tmpl-b', answer: 'reject' },
    ])
    expect(answersOf({ errMsg: 'requestSubscribeMessage:ok' }, ['tmpl-a'])).toEqual([])
  })

  it('asks nothing where the platform has no such API (the H5 page)', () => {
    expect(canAsk({})).toBe(false)
    // The unit tests run as no mini program platform: even with the function present.
    expect(canAsk({ requestSubscribeMessage() {} })).toBe(false)
  })
})
