import { describe, expect, it } from 'vitest'
import { chartValue, isZero, parseYuanInput, yuan } from '../../src/lib/money'

describe('money', () => {
  it('shows the API amount as it is, with the yuan sign and thousands grouped', () => {
    expect(yuan('12.50')).toBe('¥12.50')
    expect(yuan('0.10')).toBe('¥0.10')
    expect(yuan('1234567.05')).toBe('¥1,234,567.05')
    expect(yuan('-8.00')).toBe('-¥8.00')
    expect(yuan('100.00')).toBe('¥100.00')
  })

  it('never rounds through a float: amounts a double cannot hold stay exact', () => {
    // 9007199254740993.10 is not representable as a double; the string passes through untouched.
    expect(yuan('9007199254740993.10')).toBe('¥9,007,199,254,740,993.10')
    expect(yuan('0.30')).toBe('¥0.30')
  })

  it('shows anything that is not an API amount unchanged, and a dash for none', () => {
    expect(yuan('12.5')).toBe('12.5')
    expect(yuan('abc')).toBe('abc')
    expect(yuan(undefined)).toBe('—')
    expect(yuan(null)).toBe('—')
  })

  it('reads a typed amount into the API string with two decimals', () => {
    expect(parseYuanInput('12')).toBe('12.00')
    expect(parseYuanInput('12.5')).toBe('12.50')
    expect(parseYuanInput(' 007.05 ')).toBe('7.05')
    expect(parseYuanInput('12.505')).toBeNull()
    expect(parseYuanInput('-1')).toBeNull()
    expect(parseYuanInput('1e3')).toBeNull()
    expect(parseYuanInput('')).toBeNull()
  })

  it('knows a zero amount and gives charts a number', () => {
    expect(isZero('0.00')).toBe(true)
    expect(isZero('-0.00')).toBe(true)
    expect(isZero('0.01')).toBe(false)
    expect(chartValue('12.50')).toBe(12.5)
  })
})
