// Charts with Chart.js (the WebJar the page loads); each chart is destroyed with its screen.

import {onLeave} from './app.js';

/** A bar chart of each question's score distribution (final scores only, as the statistics route counts). */
export function distributionChart(canvas, questions, label) {
  const scores = [...new Set(questions.flatMap(q => q.distribution.map(d => Number(d.score))))].sort((a, b) => a - b);
  return chart(canvas, {
    type: 'bar',
    data: {
      labels: scores.map(String),
      datasets: questions.map(q => ({
        label: `${label} ${q.questionNumber}`,
        data: scores.map(score => q.distribution.find(d => Number(d.score) === score)?.count || 0),
      })),
    },
    options: {animation: false, responsive: true, maintainAspectRatio: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
  });
}

/** A trace's spans as a waterfall: one floating bar per span, [start, end] in ms after the trace began. */
export function waterfallChart(canvas, spans) {
  const begin = Math.min(...spans.map(s => Date.parse(s.start)));
  const bars = spans.map(s => [Date.parse(s.start) - begin, Date.parse(s.start) - begin + s.durationMs]);
  return chart(canvas, {
    type: 'bar',
    data: {
      labels: spans.map(s => `${'› '.repeat(s.depth || 0)}${s.service} · ${s.name}`),
      datasets: [{label: 'ms', data: bars, backgroundColor: spans.map(s => s.status === 'ERROR' ? '#c0392b' : '#2e86c1')}],
    },
    options: {indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {legend: {display: false}}, scales: {x: {beginAtZero: true, title: {display: true, text: 'ms'}}}},
  });
}

const charts = new Set();

/**
 * A chart on a canvas the page shows; a chart whose canvas a refresh took away is destroyed here (and every chart
 * when the screen is left), so refreshes do not pile charts up.
 */
function chart(canvas, config) {
  for (const old of charts) {
    if (!old.canvas?.isConnected) {
      old.destroy();
      charts.delete(old);
    }
  }
  if (!canvas.isConnected) return null;
  const instance = new window.Chart(canvas, config);
  charts.add(instance);
  onLeave(() => { instance.destroy(); charts.delete(instance); });
  return instance;
}
