// A job's per-question statistics (final scores only) as a table and a distribution chart; every question of
// the exam has its row, one without final scores yet shows 0.

import {h, num} from './dom.js';
import {api, download} from './api.js';
import {heads, t} from './i18n.js';
import {distributionChart} from './charts.js';
import {act} from './app.js';

/** The job's results as CSV (final scores, with review status). */
export function exportButton(jobId) {
  const button = h('button', {type: 'button', 'data-testid': 'export', onclick: () => act(button,
    () => download(`/grading-jobs/${jobId}/export?format=csv`, `job-${jobId}.csv`))}, t('exportCsv'));
  return button;
}

export async function statistics(jobId, examId, testPrefix) {
  const [stats, questions] = await Promise.all([api('GET', `/grading-jobs/${jobId}/statistics`),
    api('GET', `/exams/${examId}/questions`)]);
  const rows = questions.items.map(q => stats.questions.find(s => s.questionNumber === q.number)
    || {questionNumber: q.number, count: 0, distribution: []});
  const canvas = h('canvas', {'data-testid': `${testPrefix}-chart`});
  requestAnimationFrame(() => distributionChart(canvas, rows.filter(q => q.count > 0), t('question')));
  return [
    h('table', {'data-testid': `${testPrefix}-statistics`},
      heads('question', 'count', 'mean', 'stdDev', 'min', 'max'),
      h('tbody', {}, rows.map(q => h('tr', {},
        h('td', {}, q.questionNumber), h('td', {'data-testid': `${testPrefix}-count-${q.questionNumber}`}, q.count),
        h('td', {'data-testid': `${testPrefix}-mean-${q.questionNumber}`}, num(q.mean)), h('td', {}, num(q.stdDev)), h('td', {}, num(q.min)), h('td', {}, num(q.max)))))),
    h('h3', {}, t('distribution')), h('div', {class: 'chart'}, canvas),
  ];
}
