// What every signed-in phone page does first: send a resident without a session to the
// login page (and back here afterwards), and load "my" record from the server.

import { onMounted, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { ApiError } from '@/api/http'
import { getMe, onResidentUnauthorized, residentLogout, type ResidentMe } from '@/api/resident'
import { useResidentStore } from '@/stores/resident'

export function useResidentPage(onLoaded?: (me: ResidentMe) => void) {
  const router = useRouter()
  const route = useRoute()
  const store = useResidentStore()
  const loading = ref(false)
  const loadError = ref('')

  const toLogin = () => router.replace({ path: '/m/login', query: { next: route.fullPath } })
  onResidentUnauthorized(toLogin)

  async function reload() {
    loading.value = true
    loadError.value = ''
    try {
      store.me = await getMe()
      onLoaded?.(store.me)
    } catch (e) {
      if (e instanceof ApiError && e.handled) return
      loadError.value = e instanceof ApiError ? e.message : '加载失败，请稍后重试'
    } finally {
      loading.value = false
    }
  }

  onMounted(() => {
    if (!store.loggedIn) {
      store.clear()
      toLogin()
      return
    }
    reload()
  })

  /** Ends the session on the server too; the page leaves whatever the answer. */
  async function logout() {
    try {
      if (store.token) await residentLogout()
    } catch {
      /* already over, or offline: the token is forgotten here either way */
    }
    store.clear()
    router.replace('/m/login')
  }

  return { store, loading, loadError, reload, logout }
}
