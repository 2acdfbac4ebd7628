// Districts and streets, fetched once per page load (they change only with a new city).
import type { components } from '../api/schema'
import { call, client } from '../api/client'

type District = components['schemas']['DistrictView']
type Street = components['schemas']['StreetView']

let districts: Promise<District[]> | null = null
const streets = new Map<string, Promise<Street[]>>()

export function allDistricts(): Promise<District[]> {
  districts ??= call(client.GET('/places/districts')).catch((err) => {
    districts = null
    throw err
  })
  return districts
}

export function streetsOf(code: string): Promise<Street[]> {
  let found = streets.get(code)
  if (!found) {
    found = call(client.GET('/places/districts/{code}/streets', { params: { path: { code } } })).catch((err) => {
      streets.delete(code)
      throw err
    })
    streets.set(code, found)
  }
  return found
}

export function districtName(list: District[], code: string | undefined | null): string {
  if (!code) return ''
  return list.find((d) => d.code === code)?.name ?? code
}
