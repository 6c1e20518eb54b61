// One grading job live: progress and rate from the live channel, controls, statistics, results and overrides.

import {fields, h, num, pct, show, when} from './dom.js';
import {api} from './api.js';
import {explanation} from './explain.js';
import {live} from './live.js';
import {heads, t} from './i18n.js';
import {act, notify, onLeave} from './app.js';
import {exportButton, statistics} from './stats.js';

const CONTROLS = {start: ['CREATED'], pause: ['EXECUTING'], resume: ['PAUSED'],
  cancel: ['CREATED', 'ANALYZED', 'SPLIT_COMPLETE', 'EXECUTING', 'PAUSED']};
const ENDED = ['COMPLETED', 'FAILED', 'CANCELLED'];

export async function jobView(jobId) {
  let job = await api('GET', `/grading-jobs/${jobId}`);
  const bar = h('progress', {max: 100, value: 0, 'data-testid': 'progress'});
  const percent = h('strong', {'data-testid': 'percent'});
  const state = h('span', {class: 'badge', 'data-testid': 'job-state'});
  const counts = h('div', {class: 'counts'});
  const stages = h('div', {class: 'stages', 'data-testid': 'stages'});
  const rate = h('span', {'data-testid': 'rate'}, '–');
  // built once, only enabled and disabled as the job moves: a click never lands on a button being replaced
  const buttons = Object.entries(CONTROLS).map(([action, from]) => {
    // disabled while its request runs; afterwards the job's state decides (paint), not the click
    const button = h('button', {type: 'button', 'data-testid': `job-${action}`, onclick: () => {
      button.disabled = true;
      act(null, async () => apply(await api('POST', `/grading-jobs/${jobId}/${action}`))).finally(paint);
    }}, t(action));
    return {button, from};
  });
  const controls = h('div', {class: 'inline'}, buttons.map(control => control.button));
  const statisticsCard = h('div', {class: 'card'});
  const results = resultsPanel(jobId, () => job);
  const samples = [];

  const paint = () => {
    bar.value = Number(job.percent);
    if (ENDED.includes(job.state) && job.timings?.submissionsPerSecond) {
      show(rate, `${num(job.timings.submissionsPerSecond, 1)} ${t('perSecond')}`);
    }
    show(percent, `${num(job.percent, 1)} %`);
    state.className = `badge ${job.state}`;
    show(state, job.state);
    show(counts, ...['total', 'graded', 'failed', 'cancelled', 'pendingReview'].map(key =>
      h('span', {}, t(key), ' ', h('strong', {'data-testid': `count-${key}`}, job[key] ?? '–'))));
    show(stages, ...['analyzed', 'split', 'executing', 'completed'].map(key =>
      h('span', {class: job.stages?.[key]?.ready ? 'stage ready' : 'stage'}, t(key))),
    job.recovery && h('span', {class: 'stage warn', 'data-testid': 'recovery'}, t('recovery'), ': ',
      JSON.stringify(job.recovery)));
    buttons.forEach(({button, from}) => { button.disabled = !from.includes(job.state); });
  };
  /** A whole job read or written: taken only if it is not older than what is shown (reads may cross). */
  const apply = read => {
    if (read.version === undefined || job.version === undefined || read.version >= job.version) job = read;
    paint();
  };
  const progressed = data => {
    // answers per second over the last ten seconds of progress
    const now = performance.now();
    samples.push([now, data.graded + data.failed]);
    while (samples.length > 2 && now - samples[0][0] > 10_000) samples.shift();
    if (samples.length > 1 && now > samples[0][0]) {
      const [t0, n0] = samples[0];
      show(rate, `${num((data.graded + data.failed - n0) / ((now - t0) / 1000), 1)} ${t('perSecond')}`);
    }
  };
  const refreshStatistics = () => act(null, async () => show(statisticsCard, h('h2', {}, t('statistics')),
    ...await statistics(jobId, job.examId, 'stat')));
  const reread = () => act(null, async () => apply(await api('GET', `/grading-jobs/${jobId}`)));

  onLeave(live.subscribe(`job:${jobId}`, message => {
    const data = message.data || {};
    switch (message.type) {
      case 'SYSTEM_STATUS':
        if (data.snapshot) apply({...job, ...data.snapshot});
        break;
      case 'GRADING_PROGRESS': {
        // counts only: a progress event written before a pause may arrive after the pause's answer, so the
        // state comes from state changes, snapshots and reads, which carry the job's version
        const {state: ignored, ...counts} = data;
        job = {...job, ...counts};
        progressed(data);
        paint();
        if (data.percent >= 100) reread();
        break;
      }
      case 'JOB_STATE_CHANGED':
        reread().then(() => ENDED.includes(job.state) && (refreshStatistics(), results.reload()));
        break;
      case 'SCORE_CHANGED':
        reread();
        refreshStatistics();
        results.reload();
        break;
      case 'ERROR':
        notify(data.message || data.code);
        break;
      default:
    }
  }));

  paint();
  refreshStatistics();
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, t('job'), ' ', h('small', {}, jobId)),
      h('a', {class: 'button', href: `#/exams/${job.examId}`}, t('back')), exportButton(jobId)),
    h('div', {class: 'card'},
      h('div', {class: 'inline'}, state, percent, h('span', {}, t('rate'), ' ', rate)),
      bar, counts, h('div', {class: 'inline'}, h('span', {}, t('stages')), stages), controls,
      h('p', {class: 'muted'}, when(job.createdAt))),
    statisticsCard, results.element);
}

/** The job's results a page at a time (keyset cursor), each with an override. */
function resultsPanel(jobId, currentJob) {
  const body = h('tbody', {});
  const filter = h('select', {'data-testid': 'review-filter', onchange: () => act(null, () => load(null, []))},
    h('option', {value: ''}, '—'), ...['AUTO_ACCEPTED', 'NEEDS_REVIEW', 'HUMAN'].map(s => h('option', {value: s}, s)));
  const pager = h('div', {class: 'inline'});
  let cursors = [];
  let current = null;

  async function load(cursor, history) {
    cursors = history;
    current = cursor;
    const query = new URLSearchParams({page_size: '20', sort_by: 'studentId'});
    if (filter.value) query.set('filter[reviewStatus]', filter.value);
    if (cursor) query.set('cursor', cursor);
    const page = await api('GET', `/grading-jobs/${jobId}/results?${query}`);
    show(body, ...page.items.map(row));
    show(pager,
      h('button', {type: 'button', disabled: cursors.length === 0, onclick: event =>
        act(event.target, () => load(cursors.at(-1), cursors.slice(0, -1)))}, t('previous')),
      h('button', {type: 'button', disabled: !page.nextCursor, onclick: event =>
        act(event.target, () => load(page.nextCursor, [...cursors, current]))}, t('next')),
      h('span', {class: 'muted'}, page.total));
  }

  function row(result) {
    const cell = h('td', {});
    const tr = h('tr', {'data-submission': result.submissionId},
      h('td', {}, result.studentId), h('td', {}, result.questionNumber),
      h('td', {'data-testid': 'score'}, result.score === null ? '–' : num(result.score)),
      h('td', {}, num(result.proposedScore)), h('td', {}, pct(result.confidence)),
      h('td', {}, result.reviewStatus), h('td', {class: 'muted'}, result.graderId || ''), cell);
    show(cell, h('button', {type: 'button', class: 'link', 'data-testid': 'override', onclick: () =>
      show(cell, overrideForm(result))}, t('override')),
    result.graderId?.includes('llm') && h('button', {type: 'button', class: 'link', 'data-testid': 'explain',
      onclick: () => tr.after(h('tr', {}, h('td', {colspan: 8},
        explanation(`/submissions/${result.submissionId}/explanation`))))}, t('explain')));
    return tr;
  }

  /** Reloads the page shown, unless a teacher is filling in an override on it (their form would go). */
  const reload = () => {
    if (!body.querySelector('form')) act(null, () => load(current, cursors));
  };

  function overrideForm(result) {
    const form = h('form', {class: 'inline', 'data-testid': 'override-form', onsubmit: event => {
      event.preventDefault();
      const {score, reason} = fields(form);
      act(form.querySelector('button'), async () => {
        const started = await api('POST', `/submissions/${result.submissionId}/override`,
          {jobId: currentJob().id, score: Number(score), reason});
        notify(t('overrideStarted', started.sagaId, (started.identicalAnswers || []).length), 'info');
        await followSaga(started.sagaId);
        await load(current, cursors);
      });
    }},
    h('input', {name: 'score', type: 'number', step: 'any', min: 0, max: result.maxScore, required: true, size: 4,
      'aria-label': t('score')}),
    h('input', {name: 'reason', required: true, placeholder: t('reason')}),
    h('button', {type: 'submit'}, t('apply')));
    return form;
  }

  act(null, () => load(null, []));
  return {
    reload,
    element: h('div', {class: 'card'}, h('div', {class: 'title-row'}, h('h2', {}, t('results')), filter),
      h('table', {'data-testid': 'results'},
        heads('student', 'question', 'score', 'proposed', 'confidence', 'review', 'grader', 'override'), body), pager),
  };
}

/**
 * Waits for a saga to end (a teacher may follow the saga they started); its failure is shown. The saga starts
 * through grading-service's outbox, so it may be unknown (404) for a moment after the override answered. Gives up
 * after two minutes (the saga goes on; Operations shows it) or when the screen is left.
 */
async function followSaga(sagaId) {
  let left = false;
  onLeave(() => { left = true; });
  const since = Date.now();
  for (let wait = 200; !left && Date.now() - since < 120_000; wait = Math.min(wait * 2, 2000)) {
    const saga = await api('GET', `/sagas/${sagaId}`).catch(error => {
      if (error.status === 404 && Date.now() - since < 30_000) return null;
      throw error;
    });
    if (saga && ['COMPLETED', 'COMPENSATED', 'RESOLVED', 'PARKED'].includes(saga.state)) {
      if (saga.state !== 'COMPLETED') notify(`saga ${saga.state}: ${saga.error || ''}`);
      return saga;
    }
    await new Promise(resolve => setTimeout(resolve, wait));
  }
  return null;
}
