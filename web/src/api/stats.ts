import { http } from './http'
import type { CalendarStatus, QueueCounts, StatsGroup, StatsItem, TimelineItem } from './types'

export function statsOverview(group: StatsGroup, parent?: string, late?: boolean) {
  return http.get<{ items: StatsItem[] }>('/api/v1/stats/overview', {
    group,
    parent,
    late: late ? 1 : undefined,
  })
}

/** Per month, from and to as YYYY-MM. */
export function statsTimeline(from: string, to: string) {
  return http.get<{ items: TimelineItem[] }>('/api/v1/stats/timeline', { from, to })
}

/** The holiday arrangements loaded, the warnings about missing ones, the area's provisional figures. */
export function calendarStatus() {
  return http.get<CalendarStatus>('/api/v1/calendar')
}

/** What waits for the station: online declarations to verify, applications to accept, moved away. */
export function queueCounts() {
  return http.get<QueueCounts>('/api/v1/stats/queues')
}
