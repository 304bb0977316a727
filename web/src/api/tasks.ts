// The grid's work: tasks, visits, the grid work list and the figures per area.
import { http } from './http'
import type { GridStats, GridWorklist, Listing, MovedAway, Task, TaskKind, TaskOutcome, VisitAnswer, VisitInput } from './types'

export interface TaskQuery {
  status?: 'open' | 'done' | ''
  overdue?: boolean
  grid?: string
  kind?: TaskKind | ''
  page?: number
  per_page?: number
}

export function listTasks(q: TaskQuery = {}) {
  return http.get<Listing<Task>>('/api/v1/tasks', {
    status: q.status,
    overdue: q.overdue ? 1 : undefined,
    grid: q.grid,
    kind: q.kind,
    page: q.page,
    per_page: q.per_page,
  })
}

/** `moved_away`: what closing a person's task as 已搬离 did (null for other outcomes). */
export function closeTask(id: number, outcome: TaskOutcome, note?: string) {
  return http.post<{ task: Task; moved_away?: MovedAway | null }>(`/api/v1/tasks/${id}/close`, { outcome, note })
}

export function reassignTask(id: number, grid: string, assignee?: string) {
  return http.post<{ task: Task }>(`/api/v1/tasks/${id}/reassign`, { grid, assignee })
}

export function createVisit(body: VisitInput) {
  return http.post<VisitAnswer>('/api/v1/visits', body)
}

/** The work list of a grid (or of everything the user sees when `area` is left out). */
export function gridWorklist(area?: string) {
  return http.get<GridWorklist>('/api/v1/grid/worklist', { area })
}

/** Figures per child area of `parent` (districts when left out). */
export function gridStats(parent?: string) {
  return http.get<GridStats>('/api/v1/stats/grid', { parent })
}
