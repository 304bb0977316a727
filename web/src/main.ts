import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './styles/base.css'
import App from './App.vue'
import router from './router'
import { onPasswordChangeRequired, onUnauthorized } from './api/http'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.use(ElementPlus, { locale: zhCn })

// A 401 anywhere ends the session: back to the login page, returning here afterwards.
onUnauthorized(() => {
  const current = router.currentRoute.value
  if (current.path.startsWith('/m') || current.path === '/verify') return
  if (current.name !== 'login') router.replace({ name: 'login', query: { redirect: current.fullPath } })
})

// The server refuses everything but a password change to a session with a generated password.
onPasswordChangeRequired(() => {
  const current = router.currentRoute.value
  if (current.name !== 'password') router.replace({ name: 'password', query: { redirect: current.fullPath } })
})

app.mount('#app')
