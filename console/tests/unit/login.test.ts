// The sign-in screen mounted as the browser renders it (Element Plus, the router): the API's
// Chinese message on a wrong password, the role's first screen on success.
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { session, signedOut } from '../../src/api/session'
import LoginView from '../../src/views/LoginView.vue'

function setup() {
  const router = createRouter({
    history: createMemoryHistory('/console/'),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/settlement', component: { template: '<p>runs</p>' } },
      { path: '/policies', component: { template: '<p>policies</p>' } },
    ],
  })
  return router
}

async function signIn(router: ReturnType<typeof setup>, path: string) {
  await router.push(path)
  const wrapper = mount(LoginView, { global: { plugins: [ElementPlus, router] }, attachTo: document.body })
  await wrapper.find('[data-testid=username]').setValue('clerk-tianning')
  await wrapper.find('[data-testid=password]').setValue('zhucan-demo')
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  await flushPromises()
  return wrapper
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('the sign-in screen', () => {
  it('shows the API\'s message on a wrong password and stays', async () => {
    signedOut()
    vi.stubGlobal('fetch', async () => json(401, { code: 'LOGIN_FAILED', message: '用户名或密码不正确' }))
    const router = setup()
    const wrapper = await signIn(router, '/login')
    expect(wrapper.find('[data-testid=login-error]').text()).toContain('用户名或密码不正确')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(session.token).toBeNull()
    wrapper.unmount()
  })

  it('keeps the token and opens the role\'s first screen, or the one asked for', async () => {
    signedOut()
    const fetch = vi.fn(async (_req: Request) =>
      json(200, { token: 'tok', expires_at: '2026-11-30T01:00:00Z', first_sign_in: false, account: { id: 2, role: 'district_clerk', display_name: '天宁区结算员', district_code: '320402' } }),
    )
    vi.stubGlobal('fetch', fetch)
    const router = setup()
    const wrapper = await signIn(router, '/login')
    const body = await fetch.mock.calls[0][0].json()
    expect(body).toEqual({ username: 'clerk-tianning', password: 'zhucan-demo' })
    expect(session.token).toBe('tok')
    expect(session.account?.district_code).toBe('320402')
    expect(router.currentRoute.value.path).toBe('/settlement')
    wrapper.unmount()

    signedOut()
    const again = setup()
    const second = await signIn(again, '/login?next=%2Fpolicies')
    expect(again.currentRoute.value.path).toBe('/policies')
    second.unmount()
  })
})
