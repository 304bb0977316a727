import { defineStore } from 'pinia'
import { getAreas, getStations } from '@/api/meta'
import type { Area, Station } from '@/api/types'

// Area hierarchy (区县 → 街道 → 社区 → 网格) and police stations, cached per parent.

const ROOT = '_'

export const useAreasStore = defineStore('areas', {
  state: () => ({
    children: {} as Record<string, Area[]>,
    byCode: {} as Record<string, Area>,
    stations: [] as Station[],
    pending: {} as Record<string, Promise<Area[]> | undefined>,
  }),
  actions: {
    /** Children of `parent` (districts when omitted). */
    async load(parent?: string): Promise<Area[]> {
      const key = parent || ROOT
      if (this.children[key]) return this.children[key]
      let p = this.pending[key]
      if (!p) {
        p = getAreas(parent)
          .then((r) => {
            this.children[key] = r.items
            for (const a of r.items) this.byCode[a.code] = a
            return r.items
          })
          .finally(() => {
            delete this.pending[key]
          })
        this.pending[key] = p
      }
      return p
    },
    async loadStations(): Promise<Station[]> {
      if (!this.stations.length) this.stations = (await getStations()).items
      return this.stations
    },
    /** Resolve the names along a code's path (district, street, community, grid). */
    async resolve(code: string): Promise<Area[]> {
      const parents = ['', code.slice(0, 6), code.slice(0, 9), code.slice(0, 12)]
      const levels = code.length === 6 ? 1 : code.length === 9 ? 2 : code.length === 12 ? 3 : 4
      const path: Area[] = []
      for (let i = 0; i < levels; i++) {
        const list = await this.load(parents[i] || undefined)
        const want = [code.slice(0, 6), code.slice(0, 9), code.slice(0, 12), code][i]
        const a = list.find((x) => x.code === want)
        if (!a) break
        path.push(a)
      }
      return path
    },
    name(code: string | null | undefined): string {
      if (!code) return ''
      return this.byCode[code]?.name ?? code
    },
    /** "历下区 解放路街道 解放路社区 第一网格" for the codes already loaded. */
    pathName(code: string | null | undefined): string {
      if (!code) return ''
      const parts: string[] = []
      for (const len of [6, 9, 12, 15]) {
        if (code.length < len) break
        const a = this.byCode[code.slice(0, len)]
        parts.push(a ? a.name : code.slice(0, len))
      }
      return parts.join(' ')
    },
    stationName(code: string | null | undefined): string {
      if (!code) return ''
      return this.stations.find((s) => s.code === code)?.name ?? code
    },
  },
})
