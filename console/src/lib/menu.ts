// The side menu of each role.
import type { Role } from '../api/session'

export interface MenuItem {
  path: string
  label: string
}

/** The menu of a role; an operator's meal-point screens need the current meal point's id. */
export function menuOf(role: Role | undefined, mealPointId: number | null): MenuItem[] {
  switch (role) {
    case 'operator': {
      const mine: MenuItem[] = [{ path: '/points', label: '我的助餐点' }]
      if (mealPointId !== null) {
        const at = (p: string) => `/points/${mealPointId}/${p}`
        mine.push(
          { path: at('board'), label: '今日看板' },
          { path: at('week'), label: '周菜单' },
          { path: at('dishes'), label: '菜品' },
          { path: at('walk-in'), label: '电话/到店订餐' },
          { path: at('ratings'), label: '评价' },
          { path: at('samples'), label: '留样记录' },
          { path: at('profile'), label: '助餐点资料' },
        )
      }
      mine.push({ path: '/complaints', label: '投诉处理' }, { path: '/reconciliation', label: '支付对账' })
      return mine
    }
    case 'district_clerk':
      return [
        { path: '/settlement', label: '同城结算' },
        { path: '/elders', label: '老人档案' },
        { path: '/reviews', label: '待审核' },
        { path: '/complaints', label: '投诉处理' },
        { path: '/supervision', label: '监管督查' },
        { path: '/dashboard', label: '数据看板' },
      ]
    case 'city_admin':
      return [
        { path: '/dashboard', label: '数据看板' },
        { path: '/targets', label: '规划目标' },
        { path: '/meal-points', label: '助餐点管理' },
        { path: '/accounts', label: '账号管理' },
        { path: '/policies', label: '补贴政策' },
        { path: '/settlement', label: '同城结算' },
        { path: '/reconciliation', label: '支付对账' },
        { path: '/elders', label: '老人档案' },
        { path: '/reviews', label: '待审核' },
        { path: '/complaints', label: '投诉处理' },
        { path: '/supervision', label: '监管督查' },
      ]
    case 'inspector':
      return [
        { path: '/visits', label: '待走访' },
        { path: '/visits/mine', label: '我的走访' },
      ]
    default:
      return []
  }
}

/** The menu entry a path belongs to (the longest matching prefix). */
export function activeEntry(items: MenuItem[], path: string): string {
  let best = ''
  for (const item of items) {
    if ((path === item.path || path.startsWith(`${item.path}/`)) && item.path.length > best.length) best = item.path
  }
  return best
}
