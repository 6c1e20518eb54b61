// Quality: the AI's agreement with people (blind checks), per-marker figures, alerts, the latest job's statistics.

import {h, num, pct, show} from './dom.js';
import {api} from './api.js';
import {live} from './live.js';
import {heads, t} from './i18n.js';
import {act, onLeave} from './app.js';
import {exportButton, statistics} from './stats.js';

export async function qualityView(examId) {
  const panels = h('div', {});
  const paint = async () => show(panels, ...await panelsOf(examId));
  // the exam's channel: review marks, score changes and quality alerts refresh the figures
  let pending;
  onLeave(live.subscribe(`exam:${examId}`, message => {
    if (['REVIEW_ITEM_CHANGED', 'SCORE_CHANGED', 'SYSTEM_STATUS', 'JOB_STATE_CHANGED'].includes(message.type)
        && !message.data?.subscribed) {
      clearTimeout(pending);
      pending = setTimeout(() => act(null, paint), 300);
    }
  }));
  onLeave(() => clearTimeout(pending));
  await paint();
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, t('quality')),
      h('a', {class: 'button', href: `#/exams/${examId}`}, t('back'))),
    panels);
}

async function panelsOf(examId) {
  const [quality, markers, jobs] = await Promise.all([api('GET', `/exams/${examId}/quality`),
    api('GET', `/exams/${examId}/markers/quality`), api('GET', `/exams/${examId}/grading-jobs`)]);
  const job = jobs.items[0];
  return [
    h('div', {class: 'card'}, h('h2', {}, t('aiQuality')),
      h('table', {'data-testid': 'ai-quality'},
        heads('question', 'checked', 'kappa', 'exact', 'adjacent', 'bias', 'autoAcceptRate', 'overrideRate',
          'autoAccept', 'alert'),
        h('tbody', {}, quality.questions.map(q => h('tr', {class: q.alert ? 'alert' : ''},
          h('td', {}, q.questionNumber), h('td', {}, q.checked), h('td', {}, num(q.kappa)),
          h('td', {}, pct(q.exactAgreement)), h('td', {}, pct(q.adjacentAgreement)), h('td', {}, num(q.bias)),
          h('td', {}, pct(q.autoAcceptRate)), h('td', {}, pct(q.overrideRate)),
          h('td', {}, q.autoAcceptEnabled ? t('on') : t('off')),
          h('td', {'data-testid': 'alert'}, q.alert ? '⚠ ' + t('alert') : '')))))),
    h('div', {class: 'card'}, h('h2', {}, t('markers')),
      h('table', {'data-testid': 'marker-quality'},
        heads('marker', 'marks', 'secondsPerMark', 'deviation', 'rechecks'),
        h('tbody', {}, markers.markers.map(m => h('tr', {},
          h('td', {}, m.markerId), h('td', {'data-testid': `marks-${m.markerId}`}, m.reviewMarks + m.teacherMarks),
          h('td', {}, num(m.medianSecondsPerMark, 1)), h('td', {}, num(m.meanDeviation)),
          h('td', {}, `${m.rechecked} (${m.rechecksSame})`)))))),
    job ? await jobStatistics(job) : h('p', {class: 'muted'}, t('noJob')),
  ];
}

async function jobStatistics(job) {
  return h('div', {class: 'card'},
    h('div', {class: 'title-row'}, h('h2', {}, t('jobStats')), h('a', {href: `#/jobs/${job.id}`}, job.state),
      exportButton(job.id)),
    h('p', {}, t('graded'), ' ', h('strong', {'data-testid': 'quality-graded'}, job.graded), ' · ', t('pendingReview'),
      ' ', h('strong', {'data-testid': 'quality-pending'}, job.pendingReview)),
    ...await statistics(job.id, job.examId, 'quality'));
}
