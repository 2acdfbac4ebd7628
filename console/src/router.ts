// Screens by role. Every route names the roles that may open it; the API is still the
// authority (a screen only shows what the API lets the role see).
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { session, type Role } from './api/session'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    roles?: Role[]
    public?: boolean
  }
}

const STAFF_READERS: Role[] = ['district_clerk', 'city_admin']

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: () => import('./components/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeRedirect.vue') },
      // 助餐点运营方
      { path: 'points', name: 'points', component: () => import('./views/operator/MyMealPoints.vue'), meta: { title: '我的助餐点', roles: ['operator'] } },
      { path: 'points/:id/board', name: 'board', component: () => import('./views/operator/TodayBoard.vue'), meta: { title: '今日看板', roles: ['operator'] } },
      { path: 'points/:id/week', name: 'week', component: () => import('./views/operator/WeekPlanner.vue'), meta: { title: '周菜单', roles: ['operator', 'city_admin'] } },
      { path: 'points/:id/dishes', name: 'dishes', component: () => import('./views/operator/DishesView.vue'), meta: { title: '菜品', roles: ['operator', 'city_admin'] } },
      { path: 'points/:id/profile', name: 'profile', component: () => import('./views/operator/MealPointProfile.vue'), meta: { title: '助餐点资料', roles: ['operator', 'city_admin'] } },
      { path: 'points/:id/walk-in', name: 'walk-in', component: () => import('./views/operator/WalkInBooking.vue'), meta: { title: '电话/到店订餐', roles: ['operator'] } },
      // 留样: the operator writes it; inspectors, the district and the city read it.
      { path: 'points/:id/samples', name: 'samples', component: () => import('./views/operator/SamplesView.vue'), meta: { title: '留样记录', roles: ['operator', 'inspector', 'district_clerk', 'city_admin'] } },
      { path: 'points/:id/ratings', name: 'ratings', component: () => import('./views/operator/RatingsView.vue'), meta: { title: '评价', roles: ['operator'] } },
      // Complaints: operators their meal points', clerks their district's, the city all.
      // 支付对账: operators their meal points', the city all.
      { path: 'reconciliation', name: 'reconciliation', component: () => import('./views/shared/ReconciliationView.vue'), meta: { title: '支付对账', roles: ['operator', 'city_admin'] } },
      { path: 'complaints', name: 'complaints', component: () => import('./views/shared/ComplaintsView.vue'), meta: { title: '投诉处理', roles: ['operator', 'district_clerk', 'city_admin'] } },
      // 区民政 and 市民政局
      { path: 'elders', name: 'elders', component: () => import('./views/clerk/EldersView.vue'), meta: { title: '老人档案', roles: STAFF_READERS } },
      { path: 'elders/:id', name: 'elder', component: () => import('./views/clerk/ElderDetail.vue'), meta: { title: '老人详情', roles: STAFF_READERS } },
      { path: 'reviews', name: 'reviews', component: () => import('./views/clerk/ReviewsView.vue'), meta: { title: '待审核', roles: STAFF_READERS } },
      { path: 'settlement', name: 'runs', component: () => import('./views/clerk/SettlementRuns.vue'), meta: { title: '同城结算', roles: STAFF_READERS } },
      { path: 'settlement/:id', name: 'run', component: () => import('./views/clerk/SettlementRun.vue'), meta: { title: '结算详情', roles: STAFF_READERS } },
      { path: 'supervision', name: 'supervision', component: () => import('./views/clerk/SupervisionView.vue'), meta: { title: '监管督查', roles: STAFF_READERS } },
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/city/DashboardView.vue'), meta: { title: '数据看板', roles: STAFF_READERS } },
      // 市民政局
      { path: 'targets', name: 'targets', component: () => import('./views/city/PlanTargets.vue'), meta: { title: '规划目标', roles: ['city_admin'] } },
      { path: 'meal-points', name: 'meal-points', component: () => import('./views/city/MealPointsAdmin.vue'), meta: { title: '助餐点管理', roles: ['city_admin'] } },
      { path: 'accounts', name: 'accounts', component: () => import('./views/city/AccountsView.vue'), meta: { title: '账号管理', roles: ['city_admin'] } },
      { path: 'policies', name: 'policies', component: () => import('./views/city/PoliciesView.vue'), meta: { title: '补贴政策', roles: ['city_admin'] } },
      // 督查员
      { path: 'visits', name: 'visits', component: () => import('./views/inspector/VisitsDue.vue'), meta: { title: '待走访', roles: ['inspector'] } },
      { path: 'visits/new/:id', name: 'visit-new', component: () => import('./views/inspector/VisitForm.vue'), meta: { title: '走访记录', roles: ['inspector'] } },
      { path: 'visits/mine', name: 'my-visits', component: () => import('./views/inspector/MyVisits.vue'), meta: { title: '我的走访', roles: ['inspector'] } },
    ],
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFound.vue'), meta: { public: true, title: '页面不存在' } },
]

/** Where each role starts. */
export function homeOf(role: Role | undefined): string {
  switch (role) {
    case 'operator':
      return '/points'
    case 'district_clerk':
      return '/settlement'
    case 'city_admin':
      return '/dashboard'
    case 'inspector':
      return '/visits'
    default:
      return '/login'
  }
}

/** Whether a signed-in role may open a route; where to go instead if not. */
export function guard(
  to: { meta: { public?: boolean; roles?: Role[] }; fullPath: string },
  role: Role | undefined,
): true | string {
  if (to.meta.public) return true
  if (!role) return `/login?next=${encodeURIComponent(to.fullPath)}`
  if (to.meta.roles && !to.meta.roles.includes(role)) return homeOf(role)
  return true
}

export function createConsoleRouter() {
  const router = createRouter({ history: createWebHistory('/console/'), routes })
  router.beforeEach((to) => guard(to, session.account?.role))
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · 助餐管理后台` : '助餐管理后台'
  })
  return router
}
