/**
 * The finance pack's charts as SVG, rendered server-side by ECharts 6 (no DOM, no canvas: `ssr: true` with the SVG
 * renderer), tree-shaken to bar and line charts with grid, legend and title. Per currency: aging bars, the DSO /
 * ADD / CEI trend, and cash collected against credit sales invoiced over the trend's periods.
 * Amounts are plotted in major units (a chart's scale, not an amount anyone books).
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { AGING_BUCKETS, type CurrencyFigures } from '#domain/finance-pack';
import { currencyExponent } from '#domain/money';
import { BUCKET_LABELS } from '#domain/pack-tables';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export interface Chart {
  readonly title: string;
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

export const CHART_WIDTH = 500;
export const CHART_HEIGHT = 210;

const PALETTE = ['#2f5d8a', '#d9822b', '#3f9c6d', '#b23b3b', '#7a5aa6'];

function render(title: string, option: Record<string, unknown>): Chart {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'Helvetica' },
      title: { text: title, left: 'left', textStyle: { fontSize: 13, fontWeight: 'bold' } },
      grid: { left: 64, right: 48, top: 56, bottom: 28 },
      ...option,
    });
    return { title, svg: chart.renderToSVGString(), width: CHART_WIDTH, height: CHART_HEIGHT };
  } finally {
    chart.dispose();
  }
}

const major = (amount: number, currency: string) => amount / 10 ** currencyExponent(currency);
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });
const monthLabel = (isoDate: string) => isoDate.slice(2, 7);

export function currencyCharts(c: CurrencyFigures): Chart[] {
  const axisMoney = { type: 'value', axisLabel: { formatter: (v: number) => compact.format(v) } };
  return [
    render(`Aging by days past due (${c.currency})`, {
      xAxis: { type: 'category', data: AGING_BUCKETS.map((b) => BUCKET_LABELS[b]) },
      yAxis: axisMoney,
      series: [{ name: 'Open', type: 'bar', barWidth: '55%', data: AGING_BUCKETS.map((b) => major(c.aging.buckets[b], c.currency)) }],
    }),
    render(`DSO, ADD and CEI, 13 periods (${c.currency})`, {
      legend: { top: 2, right: 4, data: ['DSO', 'ADD', 'CEI %'] },
      xAxis: { type: 'category', data: c.trend.map((k) => monthLabel(k.periodEnd)) },
      yAxis: [
        { type: 'value', name: 'days', nameTextStyle: { align: 'right' } },
        { type: 'value', name: '%', min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { name: 'DSO', type: 'line', data: c.trend.map((k) => k.dso) },
        { name: 'ADD', type: 'line', data: c.trend.map((k) => k.add) },
        { name: 'CEI %', type: 'line', yAxisIndex: 1, data: c.trend.map((k) => k.cei) },
      ],
    }),
    render(`Cash collected vs invoiced on credit (${c.currency})`, {
      legend: { top: 2, right: 4, data: ['Invoiced', 'Collected'] },
      xAxis: { type: 'category', data: c.trend.map((k) => monthLabel(k.periodEnd)) },
      yAxis: axisMoney,
      series: [
        { name: 'Invoiced', type: 'bar', data: c.trend.map((k) => major(k.creditSales, c.currency)) },
        { name: 'Collected', type: 'bar', data: c.trend.map((k) => major(k.collected, c.currency)) },
      ],
    }),
  ];
}
