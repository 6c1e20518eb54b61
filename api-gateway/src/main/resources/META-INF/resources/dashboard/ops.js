// Operators: sagas with their steps and manual actions, a trace's waterfall, the system channel.

import {fields, h, num, show, when} from './dom.js';
import {api, hasRole} from './api.js';
import {live} from './live.js';
import {heads, t} from './i18n.js';
import {act, onLeave, refresh} from './app.js';
import {waterfallChart} from './charts.js';

export async function opsView() {
  // sagas are a school's operators' (admin); traces and the system channel the platform's (platform-admin)
  return h('section', {},
    h('h1', {}, t('operations')),
    hasRole('admin') && await sagaList(),
    hasRole('platform-admin') && [h('div', {class: 'card'}, h('h2', {}, t('traces')), traceSearch()),
      h('div', {class: 'card'}, h('h2', {}, t('systemStatus')), systemEvents())]);
}

async function sagaList() {
  const state = new URLSearchParams(location.hash.split('?')[1] || '').get('state') || '';
  const sagas = await api('GET', `/sagas?page_size=50${state ? `&filter[state]=${state}` : ''}`);
  const filter = h('select', {'data-testid': 'saga-filter', 'aria-label': t('state'), onchange: () => {
    location.hash = filter.value ? `#/ops?state=${filter.value}` : '#/ops';
  }}, h('option', {value: ''}, '—'), ['RUNNING', 'COMPENSATING', 'PARKED', 'COMPLETED', 'COMPENSATED', 'RESOLVED']
    .map(s => h('option', {value: s, selected: s === state}, s)));
  return h('div', {class: 'card'}, h('div', {class: 'title-row'}, h('h2', {}, t('sagas')), filter),
      h('table', {'data-testid': 'sagas'},
        heads('created', 'definition', 'state', 'step', 'startedBy'),
        h('tbody', {}, sagas.items.map(saga => h('tr', {class: saga.state === 'PARKED' ? 'alert' : ''},
          h('td', {}, h('a', {href: `#/ops/sagas/${saga.id}`}, when(saga.createdAt))),
          h('td', {}, `${saga.definition} v${saga.definitionVersion}`),
          h('td', {}, h('span', {class: `badge ${saga.state}`}, saga.state)),
          h('td', {}, saga.stepName || saga.step), h('td', {}, saga.startedBy || ''))))));
}

function traceSearch() {
  const form = h('form', {class: 'inline', 'data-testid': 'trace-search', onsubmit: event => {
    event.preventDefault();
    location.hash = `#/ops/traces/${fields(form).traceId.trim()}`;
  }},
  h('input', {name: 'traceId', placeholder: t('traceId'), required: true, pattern: '[0-9a-fA-F]{32}', size: 34}),
  h('button', {type: 'submit'}, t('find')));
  return form;
}

/** SYSTEM_STATUS and SLOW_SPAN as they arrive on the system channel (platform administrators). */
function systemEvents() {
  const list = h('ol', {class: 'events', reversed: true, 'data-testid': 'system-events'});
  show(list, h('li', {class: 'muted'}, t('noEvents')));
  let first = true;
  onLeave(live.subscribe('system', message => {
    if (message.data?.subscribed) return;
    if (first) { show(list); first = false; }
    list.prepend(h('li', {}, h('span', {class: 'badge'}, message.type), ' ',
      h('code', {}, JSON.stringify(message.data))));
    while (list.children.length > 100) list.lastChild.remove();
  }));
  return list;
}

export async function sagaView(sagaId) {
  const saga = await api('GET', `/sagas/${sagaId}`);
  const form = h('form', {class: 'inline', 'data-testid': 'saga-action', onsubmit: event => {
    event.preventDefault();
    const {action, step, reason} = fields(form);
    act(form.querySelector('button'), async () => {
      await api('POST', `/sagas/${sagaId}/actions`, {action, step: Number(step), reason});
      await refresh();
    });
  }},
  h('select', {name: 'action'}, ['retry', 'skip', 'resolve'].map(a => h('option', {value: a}, a))),
  h('input', {name: 'step', type: 'number', min: 0, value: saga.step, size: 3, 'aria-label': t('step')}),
  h('input', {name: 'reason', required: true, placeholder: t('reason')}),
  h('button', {type: 'submit'}, t('apply')));
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, `${saga.definition} v${saga.definitionVersion}`),
      h('span', {class: `badge ${saga.state}`, 'data-testid': 'saga-state'}, saga.state),
      h('a', {class: 'button', href: '#/ops'}, t('back'))),
    h('div', {class: 'card'},
      h('p', {}, t('startedBy'), ' ', saga.startedBy || '–', ' · ', when(saga.createdAt), ' → ', when(saga.endedAt)),
      saga.error && h('p', {class: 'error'}, saga.error),
      h('h2', {}, t('steps')),
      h('table', {'data-testid': 'saga-steps'},
        heads('step', 'command', 'attempt', 'state', 'error', 'duration'),
        h('tbody', {}, (saga.steps || []).map(s => h('tr', {},
          h('td', {}, `${s.step} ${s.name}`), h('td', {}, `${s.participant} · ${s.kind}`), h('td', {}, s.attempt),
          h('td', {}, s.outcome || '…', s.late ? ' (late)' : ''), h('td', {}, s.error || ''),
          h('td', {}, s.durationMs === null ? '–' : `${s.durationMs} ms`))))),
      (saga.actions || []).length > 0 && h('ul', {}, saga.actions.map(a =>
        h('li', {}, `${when(a.at)} ${a.actor}: ${a.action} ${a.step} — ${a.reason}`))),
      saga.state === 'PARKED' && [h('h2', {}, t('action')), form]));
}

export async function traceView(traceId) {
  const trace = await api('GET', `/traces/${traceId}`);
  const spans = [];
  const walk = (span, depth) => {
    spans.push({...span, depth});
    (span.children || []).forEach(child => walk(child, depth + 1));
  };
  trace.spans.forEach(span => walk(span, 0));
  const canvas = h('canvas', {'data-testid': 'waterfall'});
  const box = h('div', {class: 'chart'}, canvas);
  box.style.height = `${Math.max(160, spans.length * 22 + 60)}px`;
  requestAnimationFrame(() => waterfallChart(canvas, spans));
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, t('traces'), ' ', h('small', {}, traceId)),
      h('a', {class: 'button', href: '#/ops'}, t('back'))),
    h('div', {class: 'card'},
      h('p', {'data-testid': 'trace-summary'}, `${trace.spanCount} spans · ${num(trace.durationMs, 1)} ms · ${trace.services.join(', ')}`,
        trace.truncated ? ' (truncated)' : ''),
      box));
}
