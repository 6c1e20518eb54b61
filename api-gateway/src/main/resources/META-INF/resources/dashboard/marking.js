// A marker's screen: their queue one answer at a time with keyboard shortcuts, and answer groups.

import {h, num, pct, show} from './dom.js';
import {api, hasRole} from './api.js';
import {explanation} from './explain.js';
import {t} from './i18n.js';
import {act, notify, onLeave} from './app.js';

/** The scores a question allows: 0 to max in steps. */
export function scale(maxScore, step) {
  const scores = [];
  for (let i = 0; i * Number(step) <= Number(maxScore) + 1e-9; i++) scores.push(Math.round(i * Number(step) * 100) / 100);
  return scores;
}

export async function markView(examId) {
  const questions = (await api('GET', `/exams/${examId}/questions`)).items;
  const itemPanel = h('div', {class: 'card', 'data-testid': 'review-item'});
  let current = null;
  let chosen = null;
  let reasonText = '';

  async function next() {
    current = await api('POST', `/exams/${examId}/review-items/next`, {});
    chosen = null;
    reasonText = '';
    paint();
  }

  function paint() {
    if (!current) {
      show(itemPanel, h('p', {'data-testid': 'queue-empty'}, t('queueEmpty')),
        h('button', {type: 'button', onclick: event => once(event.target, next)}, t('refresh')));
      return;
    }
    const item = current;
    const blind = item.doubleMarking || item.audit;
    const reason = h('input', {name: 'reason', placeholder: t('reason'), 'data-testid': 'mark-reason', value: reasonText,
      oninput: event => { reasonText = event.target.value; }});
    const submit = h('button', {type: 'button', 'data-testid': 'submit-mark', disabled: chosen === null,
      onclick: () => mark(submit)}, t('submitMark'));
    show(itemPanel,
      h('div', {class: 'title-row'}, h('h2', {}, t('question'), ' ', item.questionNumber),
        h('span', {class: 'badge'}, item.state), item.audit && h('span', {class: 'badge'}, 'audit')),
      h('blockquote', {class: 'answer', 'data-testid': 'answer'}, item.answer),
      blind ? h('p', {class: 'muted', 'data-testid': 'blind'}, t('blind')) : aside(item),
      h('div', {class: 'scores', role: 'group', 'aria-label': t('score')},
        scale(item.maxScore, item.scoreStep).map((score, index) => h('button', {type: 'button',
          class: score === chosen ? 'score chosen' : 'score', 'data-score': score, title: index < 10 ? `${index}` : '',
          onclick: () => { chosen = score; paint(); }}, num(score)))),
      h('div', {class: 'inline'}, reason, submit,
        h('button', {type: 'button', onclick: event => once(event.target, next)}, t('nextItem'))),
      h('p', {class: 'muted'}, t('shortcuts')));
  }

  /** Beside an item that is not blind: the proposal, the nearest marked answers, the LLM's explanation. */
  function aside(item) {
    const explain = h('button', {type: 'button', class: 'link', 'data-testid': 'explain', onclick: () => {
      item.explained = explanation(`/review-items/${item.id}/explanation`);
      paint();
    }}, t('explain'));
    return [item.proposal ? proposal(item.proposal) : h('p', {class: 'muted', 'data-testid': 'no-proposal'},
      t('noProposal')), exemplarsOf(item), item.proposal?.graderId?.includes('llm') && (item.explained || explain)];
  }

  // one request at a time: a second Enter while a mark is on its way would mark twice (a 409), an N lease another
  let busy = false;
  async function once(button, action) {
    if (busy) return;
    busy = true;
    try {
      await act(button, action);
    } finally {
      busy = false;
    }
  }

  const mark = button => once(button, async () => {
    await api('POST', `/review-items/${current.id}/marks`, {score: chosen, reason: reasonText || undefined});
    await next();
  });

  // digits pick the n-th score of the scale, Enter submits, N fetches the next answer
  const keys = event => {
    if (!current || event.target.matches('input, textarea, select')) return;
    const scores = scale(current.maxScore, current.scoreStep);
    if (/^[0-9]$/.test(event.key) && Number(event.key) < scores.length) {
      chosen = scores[Number(event.key)];
      paint();
    } else if (event.key === 'Enter' && chosen !== null) {
      event.preventDefault();
      mark(itemPanel.querySelector('[data-testid=submit-mark]'));
    } else if (event.key === 'n' || event.key === 'N') {
      once(null, next);
    }
  };
  document.addEventListener('keydown', keys);
  onLeave(() => document.removeEventListener('keydown', keys));

  await next();
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, t('marking')),
      h('a', {class: 'button', href: `#/exams/${examId}`}, t('back'))),
    h('div', {class: 'columns'}, itemPanel,
      // listing a question's answer groups is staff's (a marker may mark a group a teacher hands them)
      hasRole('admin', 'teacher', 'chief') && h('div', {class: 'card'}, h('h2', {}, t('groups')),
        ...questions.filter(q => q.marking.mode === 'ai').map(q => groupsOf(q)))));
}

function proposal(p) {
  return h('div', {class: 'proposal', 'data-testid': 'proposal'},
    h('p', {}, t('proposed'), ': ', h('strong', {}, num(p.score)), ' · ', t('confidence'), ' ', pct(p.confidence),
      ' · ', h('span', {class: 'muted'}, p.graderId)),
    p.points?.length > 0 && h('ul', {}, p.points.map(point => h('li', {class: point.awarded ? 'ok' : 'no'},
      `${point.id} (${num(point.points)})`, point.evidence ? [' — ', t('evidence'), ': “', point.evidence, '”'] : ''))));
}

/** The teacher-marked answers most like this one, with their scores (loaded once per item). */
function exemplarsOf(item) {
  item.exemplars ??= api('GET', `/review-items/${item.id}/exemplars`);
  const box = h('div', {class: 'exemplars', 'data-testid': 'exemplars'});
  item.exemplars.then(page => show(box, page.items.length === 0 ? '' : [h('h3', {}, t('exemplars')),
    h('ul', {}, page.items.map(e => h('li', {}, h('strong', {}, num(e.score)), ' — ', e.answer)))]))
    .catch(error => show(box, h('span', {class: 'error'}, error.message)));
  return box;
}

/** A question's answer groups, biggest first; one action marks a whole group. */
function groupsOf(question) {
  const list = h('div', {'data-question': question.number});
  const load = async () => {
    const groups = (await api('GET', `/questions/${question.id}/answer-groups`)).items;
    show(list, h('h3', {}, t('question'), ' ', question.number), groups.length === 0
      ? h('p', {class: 'muted'}, '–')
      : h('table', {'data-testid': 'answer-groups'}, h('tbody', {}, groups.map(group => {
        const score = h('input', {type: 'number', step: question.scoreStep, min: 0, max: question.maxScore, size: 4,
          value: group.proposedScore ?? '', 'aria-label': t('score')});
        const button = h('button', {type: 'button', onclick: () => act(button, async () => {
          const report = await api('POST', `/answer-groups/${group.id}/marks`, {score: Number(score.value)});
          notify(t('groupMarked', report.marked), 'info');
          await load();
        })}, t('markGroup'));
        return h('tr', {}, h('td', {}, h('strong', {}, group.size), ' ×'), h('td', {}, group.representative),
          h('td', {class: 'muted'}, `${group.variants} ${t('variants')}`), h('td', {}, score, button));
      }))));
  };
  act(null, load);
  return list;
}
