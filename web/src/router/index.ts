import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { MENU } from './menu'
import ConsoleLayout from '@/components/layout/ConsoleLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** Reachable without a staff session (login, the residents' pages, verification). */
    public?: boolean
    /** The permission a staff user needs (from auth/login or auth/me). */
    permission?: string
    /** The menu entry highlighted for this page. */
    menu?: string
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/login/LoginPage.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('../views/login/PasswordChangePage.vue'),
    meta: { title: '设置新密码' },
  },
  {
    path: '/print/registration/:id',
    name: 'print-registration',
    component: () => import('../views/console/print/PrintRegistration.vue'),
    // Printing a certificate is a station act (the desk's permission), not a grid worker's.
    meta: { title: '打印居住登记凭证', permission: 'registration:create' },
  },
  {
    path: '/',
    component: ConsoleLayout,
    children: [
      { path: '', name: 'home', redirect: { name: 'dashboard' } },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('../views/console/dashboard/DashboardPage.vue'),
        meta: { title: '工作台', permission: 'worklist:read', menu: '/dashboard' },
      },
      {
        path: 'desk',
        name: 'desk',
        component: () => import('../views/console/desk/DeskPage.vue'),
        meta: { title: '居住登记', permission: 'registration:create', menu: '/desk' },
      },
      {
        path: 'persons',
        name: 'persons',
        component: () => import('../views/console/persons/PersonsPage.vue'),
        meta: { title: '人员', permission: 'person:read', menu: '/persons' },
      },
      {
        path: 'persons/:id(\\d+)',
        name: 'person',
        component: () => import('../views/console/person/PersonPage.vue'),
        meta: { title: '人员详情', permission: 'person:read', menu: '/persons' },
      },
      {
        path: 'permits',
        name: 'permits',
        component: () => import('../views/console/permits/PermitsPage.vue'),
        meta: { title: '居住证', permission: 'permit:process', menu: '/permits' },
      },
      {
        path: 'permits/:id(\\d+)',
        name: 'permit',
        component: () => import('../views/console/permits/PermitPage.vue'),
        meta: { title: '居住证详情', permission: 'permit:read', menu: '/permits' },
      },
      {
        path: 'applications',
        name: 'applications',
        component: () => import('../views/console/applications/ApplicationsPage.vue'),
        meta: { title: '居住证申请受理', permission: 'permit:process', menu: '/applications' },
      },
      {
        path: 'worklists',
        name: 'worklists',
        component: () => import('../views/console/worklists/WorklistsPage.vue'),
        meta: { title: '工作清单', permission: 'worklist:read', menu: '/worklists' },
      },
      {
        path: 'declarations',
        name: 'declarations',
        component: () => import('../views/console/declarations/DeclarationsPage.vue'),
        meta: { title: '网上申报核验', permission: 'declaration:read', menu: '/declarations' },
      },
      {
        path: 'houses',
        name: 'houses',
        component: () => import('../views/console/houses/HousesPage.vue'),
        meta: { title: '出租房屋', permission: 'house:read', menu: '/houses' },
      },
      {
        path: 'houses/:id(\\d+)',
        name: 'house',
        component: () => import('../views/console/houses/HousePage.vue'),
        meta: { title: '出租房屋详情', permission: 'house:read', menu: '/houses' },
      },
      {
        path: 'organisations',
        name: 'organisations',
        component: () => import('../views/console/organisations/OrganisationsPage.vue'),
        meta: { title: '报告单位', permission: 'organisation:manage', menu: '/organisations' },
      },
      {
        path: 'reports',
        name: 'reports',
        component: () => import('../views/console/reports/ReportsPage.vue'),
        meta: { title: '单位报告', permission: 'report:read', menu: '/reports' },
      },
      {
        path: 'reports/upload',
        name: 'reports-upload',
        component: () => import('../views/console/reports/UploadPage.vue'),
        meta: { title: '批量上报', permission: 'report:create', menu: '/reports' },
      },
      {
        path: 'tasks',
        name: 'tasks',
        component: () => import('../views/console/tasks/TasksPage.vue'),
        meta: { title: '网格任务', permission: 'task:read', menu: '/tasks' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('../views/console/audit/AuditPage.vue'),
        meta: { title: '审计', permission: 'audit:read', menu: '/audit' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('../views/console/users/UsersPage.vue'),
        meta: { title: '用户管理', permission: 'user:manage', menu: '/users' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('../views/console/errors/ForbiddenPage.vue'),
        meta: { title: '无权访问' },
      },
    ],
  },

  // Residents' mobile pages and public verification (written in views/mobile and views/verify).
  {
    path: '/m',
    name: 'm-home',
    alias: '/m/home',
    component: () => import('../views/mobile/MobileHome.vue'),
    meta: { public: true, title: '流动人口服务' },
  },
  {
    path: '/m/login',
    name: 'm-login',
    component: () => import('../views/mobile/MobileLogin.vue'),
    meta: { public: true, title: '居民登录' },
  },
  {
    path: '/m/declare',
    name: 'm-declare',
    component: () => import('../views/mobile/MobileDeclare.vue'),
    meta: { public: true, title: '居住登记申报' },
  },
  {
    path: '/m/permit',
    name: 'm-permit',
    component: () => import('../views/mobile/MobilePermit.vue'),
    meta: { public: true, title: '我的居住证' },
  },
  // The grid worker's phone page (staff session) and the organisations' reporting page (API key).
  {
    path: '/m/visit',
    name: 'm-visit',
    component: () => import('../views/mobile/MobileVisit.vue'),
    meta: { title: '入户走访', permission: 'visit:create' },
  },
  {
    path: '/report',
    name: 'report',
    component: () => import('../views/report/ReporterPage.vue'),
    meta: { public: true, title: '单位信息报告' },
  },
  {
    path: '/verify',
    name: 'verify',
    component: () => import('../views/verify/VerifyPage.vue'),
    meta: { public: true, title: '居住证核验' },
  },

  { path: '/:rest(.*)*', redirect: '/' },
]

const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

/** The first menu page this user may open (where login and forbidden pages send them). */
export function firstAllowedPath(): string | null {
  const session = useSessionStore()
  return MENU.find((m) => session.can(m.permission))?.path ?? null
}

router.beforeEach((to) => {
  if (to.meta.public) return true
  const session = useSessionStore()
  if (!session.loggedIn) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  // A generated password is changed before anything else (the server enforces it too).
  if (session.user?.must_change_password && to.name !== 'password')
    return { name: 'password', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  if (to.meta.permission && !session.can(to.meta.permission)) {
    const first = firstAllowedPath()
    if (to.name === 'dashboard' && first && first !== '/dashboard') return first
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to, from) => {
  // A new page visit: persons pages ask for the reading reason again (unless kept).
  if (to.path !== from.path) useSessionStore().nextVisit()
  document.title = to.meta.title ? `${to.meta.title} - 济南市流动人口服务管理平台` : '济南市流动人口服务管理平台'
})

export default router
