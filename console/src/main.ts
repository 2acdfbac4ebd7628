import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './theme.css'
import App from './App.vue'
import { createConsoleRouter } from './router'
import { onSessionExpired } from './api/session'

const router = createConsoleRouter()
onSessionExpired(() => {
  router.push({ path: '/login', query: { expired: '1' } })
})
createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
