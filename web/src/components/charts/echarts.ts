// The only place ECharts is imported: just the charts and components the console uses.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
])

export { echarts }
export type { EChartsCoreOption as ChartOption, ECElementEvent } from 'echarts/core'

/** The console's palette (Element Plus blue first). */
export const PALETTE = ['#409eff', '#e6a23c', '#67c23a', '#f56c6c', '#909399', '#9a60b4', '#3ba272', '#fc8452', '#73c0de', '#ea7ccc']
