// Chinese names of the API's codes the console shows without a label from the API.
import type { Role } from '../api/session'

export const ROLE_LABELS: Record<Role, string> = {
  elder: '老年人',
  family: '家属',
  operator: '助餐点运营方',
  district_clerk: '区民政（结算员）',
  city_admin: '市民政局',
  inspector: '督查员',
}

export const SLOTS = [
  { code: 'breakfast', label: '早餐' },
  { code: 'lunch', label: '午餐' },
  { code: 'dinner', label: '晚餐' },
] as const

export type SlotCode = (typeof SLOTS)[number]['code']

export function slotLabel(code: string): string {
  return SLOTS.find((s) => s.code === code)?.label ?? code
}

export const MODES = [
  { code: 'dine_in', label: '堂食' },
  { code: 'pickup', label: '自取' },
  { code: 'delivery', label: '送餐' },
] as const

export function modeLabel(code: string): string {
  return MODES.find((m) => m.code === code)?.label ?? code
}

export const CATEGORIES = [
  { code: 'tekun_dispersed', label: '特困（分散供养）' },
  { code: 'tekun_centralized', label: '特困（集中供养）' },
  { code: 'dibao', label: '低保' },
  { code: 'dibao_edge', label: '低保边缘/低收入' },
  { code: 'disabled_low_income', label: '经济困难失能/半失能/失智' },
  { code: 'special_family', label: '计划生育特殊家庭' },
  { code: 'key_entitled', label: '重点优抚' },
  { code: 'severe_disability', label: '重度残疾' },
  { code: 'living_alone', label: '独居/空巢' },
] as const

export function categoryLabel(code: string): string {
  return CATEGORIES.find((c) => c.code === code)?.label ?? code
}

export const COMPLAINT_STATES: Record<string, string> = {
  submitted: '待受理',
  acknowledged: '已受理',
  escalated: '已转区督办',
  resolved: '已处理',
  closed: '已办结',
}

export const RUN_STATES: Record<string, string> = {
  draft: '草稿',
  submitted: '待各区确认',
  locked: '已审批锁定',
}

export const MEAL_POINT_STATUS: Record<string, string> = {
  open: '营业中',
  paused: '暂停服务',
  closed: '已关闭',
}
