// The console's side menu; an item shows only when the user has its permission.
import type { Component } from 'vue'
import {
  Checked,
  DataAnalysis,
  Document,
  DocumentChecked,
  EditPen,
  Guide,
  House,
  Iphone,
  List,
  OfficeBuilding,
  Postcard,
  Stamp,
  Tickets,
  User,
  UserFilled,
} from '@element-plus/icons-vue'

export interface MenuItem {
  name: string
  path: string
  title: string
  icon: Component
  permission: string
}

export const MENU: MenuItem[] = [
  { name: 'dashboard', path: '/dashboard', title: '工作台', icon: DataAnalysis, permission: 'worklist:read' },
  { name: 'desk', path: '/desk', title: '居住登记', icon: EditPen, permission: 'registration:create' },
  { name: 'persons', path: '/persons', title: '人员', icon: User, permission: 'person:read' },
  { name: 'permits', path: '/permits', title: '居住证', icon: Postcard, permission: 'permit:process' },
  // The two queues of what residents sent online: applications to accept, declarations to verify.
  { name: 'applications', path: '/applications', title: '居住证申请受理', icon: DocumentChecked, permission: 'permit:process' },
  { name: 'declarations', path: '/declarations', title: '网上申报核验', icon: Stamp, permission: 'declaration:read' },
  { name: 'worklists', path: '/worklists', title: '工作清单', icon: List, permission: 'worklist:read' },
  { name: 'houses', path: '/houses', title: '出租房屋', icon: House, permission: 'house:read' },
  { name: 'organisations', path: '/organisations', title: '报告单位', icon: OfficeBuilding, permission: 'organisation:manage' },
  { name: 'reports', path: '/reports', title: '单位报告', icon: Tickets, permission: 'report:read' },
  { name: 'tasks', path: '/tasks', title: '网格任务', icon: Guide, permission: 'task:read' },
  { name: 'visit', path: '/m/visit', title: '入户走访', icon: Iphone, permission: 'visit:create' },
  { name: 'audit', path: '/audit', title: '审计', icon: Document, permission: 'audit:read' },
  { name: 'users', path: '/users', title: '用户管理', icon: UserFilled, permission: 'user:manage' },
]

export const FALLBACK_ICON = Checked
