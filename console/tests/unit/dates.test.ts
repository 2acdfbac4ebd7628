import { describe, expect, it } from 'vitest'
import { addDays, birthDateForAge, dateTime, isoWeekday, mondayOf, monthOf, previousMonth, shanghaiDate, shortDate, weekDates, weekdayLabel } from '../../src/lib/dates'

describe('dates', () => {
  it('shows instants in Shanghai time whatever the zone they come in', () => {
    expect(dateTime('2026-11-30T16:05:00+00:00')).toBe('2026-12-01 00:05')
    expect(dateTime('2026-12-01T00:05:00+08:00')).toBe('2026-12-01 00:05')
    expect(dateTime('2026-06-30T23:59:00Z')).toBe('2026-07-01 07:59')
    expect(dateTime(undefined)).toBe('—')
    expect(dateTime('not a date')).toBe('not a date')
  })

  it('takes the Shanghai business date of an instant', () => {
    expect(shanghaiDate('2026-11-30T15:59:59Z')).toBe('2026-11-30')
    expect(shanghaiDate('2026-11-30T16:00:00Z')).toBe('2026-12-01')
  })

  it('works out weeks from Monday', () => {
    expect(isoWeekday('2026-11-23')).toBe(1)
    expect(isoWeekday('2026-11-29')).toBe(7)
    expect(mondayOf('2026-11-29')).toBe('2026-11-23')
    expect(mondayOf('2026-12-01')).toBe('2026-11-30')
    expect(weekDates('2026-11-30')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'])
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
  })

  it('labels dates in Chinese', () => {
    expect(weekdayLabel('2026-11-23')).toBe('周一')
    expect(weekdayLabel('2026-11-29')).toBe('周日')
    expect(shortDate('2026-12-01')).toBe('12月1日')
    expect(monthOf('2026-12-01')).toBe('2026-12')
    expect(previousMonth('2026-01')).toBe('2025-12')
    expect(previousMonth('2026-11')).toBe('2026-10')
  })

  it('gives a birth date for an age on a date, a leap day included', () => {
    expect(birthDateForAge(80, '2027-01-01')).toBe('1947-01-01')
    expect(birthDateForAge(81, '2025-02-28')).toBe('1944-02-28')
    expect(birthDateForAge(3, '2028-02-29')).toBe('2025-02-28')
  })
})
