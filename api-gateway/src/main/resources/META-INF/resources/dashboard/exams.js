// Exams: the tenant's list, one exam's questions, uploads, jobs and release.

import {fields, h, num, show, when} from './dom.js';
import {api, hasRole} from './api.js';
import {heads, t} from './i18n.js';
import {act, notify, refresh} from './app.js';

export async function examsView() {
  const page = await api('GET', '/exams?page_size=100&sort_by=createdAt&sort_order=desc');
  const form = h('form', {class: 'inline', 'data-testid': 'create-exam', onsubmit: event => {
    event.preventDefault();
    const {title, subject} = fields(form);
    act(form.querySelector('button'), async () => {
      const exam = await api('POST', '/exams', {title, subject: subject || undefined});
      location.hash = `#/exams/${exam.id}`;
    });
  }},
  h('input', {name: 'title', placeholder: t('title'), required: true, maxlength: 200}),
  h('input', {name: 'subject', placeholder: t('subject'), maxlength: 100}),
  h('button', {type: 'submit'}, t('createExam')));
  return h('section', {},
    h('h1', {}, t('exams')), isStaff() && form,
    page.items.length === 0 ? h('p', {class: 'muted'}, t('noExams')) : h('table', {'data-testid': 'exams'},
      heads('title', 'subject', 'created'),
      h('tbody', {}, page.items.map(exam => h('tr', {},
        h('td', {}, h('a', {href: `#/exams/${exam.id}`}, exam.title)),
        h('td', {}, exam.subject || ''), h('td', {}, when(exam.createdAt)))))));
}

export async function examView(examId) {
  const [exam, questions] = await Promise.all([api('GET', `/exams/${examId}`), api('GET', `/exams/${examId}/questions`)]);
  if (!isStaff()) {
    // a marker: the questions, and the way to their queue
    return h('section', {},
      h('div', {class: 'title-row'}, h('h1', {}, exam.title, ' ', h('small', {}, exam.subject || '')),
        h('a', {class: 'button', href: `#/exams/${examId}/mark`, 'data-testid': 'go-mark'}, t('marking'))),
      h('div', {class: 'card'}, h('h2', {}, t('questions')), questionTable(questions.items, false)));
  }
  const jobs = await api('GET', `/exams/${examId}/grading-jobs`);
  const releaseButton = h('button', {type: 'button', 'data-testid': 'release', onclick: () =>
    act(releaseButton, async () => {
      await api('POST', `/exams/${examId}/release`);
      notify(t('released'), 'info');
    })}, t('release'));
  const newJob = h('button', {type: 'button', 'data-testid': 'create-job', onclick: () => act(newJob, async () => {
    const job = await api('POST', `/exams/${examId}/grading-jobs`);
    location.hash = `#/jobs/${job.id}`;
  })}, t('createJob'));
  return h('section', {},
    h('div', {class: 'title-row'}, h('h1', {}, exam.title, ' ', h('small', {}, exam.subject || '')),
      h('a', {class: 'button', href: `#/exams/${examId}/mark`, 'data-testid': 'go-mark'}, t('marking')),
      h('a', {class: 'button', href: `#/exams/${examId}/quality`, 'data-testid': 'go-quality'}, t('quality')),
      releaseButton),
    h('div', {class: 'columns'},
      h('div', {class: 'card'}, h('h2', {}, t('questions')), questionTable(questions.items),
        questionForm(examId, questions.items)),
      h('div', {},
        h('div', {class: 'card'}, h('h2', {}, t('upload')), uploadForm(examId)),
        h('div', {class: 'card'}, h('h2', {}, t('jobs')), newJob, jobTable(jobs.items)))));
}

/** Staff (teachers, chiefs, admins) run exams; a marker only marks. */
const isStaff = () => hasRole('admin', 'teacher', 'chief');

function questionTable(questions, switches = true) {
  return h('table', {'data-testid': 'questions'},
    heads('number', 'prompt', 'maxScore', 'mode', 'autoAccept'),
    h('tbody', {}, questions.map(q => h('tr', {},
      h('td', {}, q.number), h('td', {}, q.prompt), h('td', {}, num(q.maxScore)),
      h('td', {}, q.marking.mode === 'ai' ? t('modeAi') : t('modeRule')),
      h('td', {}, q.marking.mode === 'ai' ? (switches ? autoAcceptSwitch(q) : q.marking.autoAccept?.enabled
        ? t('on') : t('off')) : '')))));
}

function autoAcceptSwitch(question) {
  const box = h('input', {type: 'checkbox', checked: question.marking.autoAccept?.enabled,
    'aria-label': t('autoAccept'), onchange: () => act(box, () =>
      api('PUT', `/questions/${question.id}/marking/auto-accept`, {enabled: box.checked}))});
  return box;
}

function questionForm(examId, questions) {
  const points = h('div', {class: 'points'});
  const addPoint = () => points.append(h('div', {class: 'point'},
    h('input', {name: 'pid', placeholder: t('pointId'), size: 6}),
    h('input', {name: 'pdesc', placeholder: t('description')}),
    h('input', {name: 'ppoints', type: 'number', step: 'any', placeholder: t('points'), size: 4}),
    h('input', {name: 'pkeywords', placeholder: t('keywords')})));
  addPoint();
  const form = h('form', {class: 'stack', 'data-testid': 'add-question', onsubmit: event => {
    event.preventDefault();
    act(form.querySelector('button[type=submit]'), async () => {
      await api('POST', `/exams/${examId}/questions`, questionBody(form, points));
      refresh();
    });
  }},
  h('h3', {}, t('addQuestion')),
  h('div', {class: 'inline'},
    h('label', {}, t('number'), h('input', {name: 'number', type: 'number', min: 1, required: true,
      value: questions.length + 1, size: 3})),
    h('label', {}, t('maxScore'), h('input', {name: 'maxScore', type: 'number', step: 'any', min: 0, required: true,
      size: 4})),
    h('label', {}, t('scoreStep'), h('input', {name: 'scoreStep', type: 'number', step: 'any', min: 0, value: 1,
      size: 4})),
    h('label', {}, t('mode'), h('select', {name: 'mode'},
      h('option', {value: 'rule'}, t('modeRule')), h('option', {value: 'ai'}, t('modeAi'))))),
  h('label', {}, t('prompt'), h('textarea', {name: 'prompt', rows: 2, required: true})),
  h('label', {}, t('referenceAnswer'), h('textarea', {name: 'referenceAnswer', rows: 2})),
  h('div', {class: 'inline'},
    h('label', {}, h('input', {name: 'autoAccept', type: 'checkbox', checked: true}), t('autoAccept')),
    h('label', {}, t('doubleMarking'), h('input', {name: 'tolerance', type: 'number', step: 'any', min: 0, size: 4}))),
  h('fieldset', {}, h('legend', {}, t('rubric')), points,
    h('button', {type: 'button', class: 'link', onclick: addPoint}, '+ ', t('addPoint'))),
  h('button', {type: 'submit'}, t('addQuestion')));
  return form;
}

/** The form as the API's question: rubric rows without an id are left out; keywords become anyOf. */
function questionBody(form, points) {
  const f = fields(form);
  const rubricPoints = [...points.children].map(row => ({
    id: row.querySelector('[name=pid]').value.trim(),
    description: row.querySelector('[name=pdesc]').value.trim() || undefined,
    points: Number(row.querySelector('[name=ppoints]').value),
    match: {anyOf: row.querySelector('[name=pkeywords]').value.split(/[,，]/).map(s => s.trim()).filter(Boolean)},
  })).filter(point => point.id);
  const body = {number: Number(f.number), prompt: f.prompt, maxScore: Number(f.maxScore),
    scoreStep: Number(f.scoreStep || 1), referenceAnswer: f.referenceAnswer || undefined};
  if (rubricPoints.length) body.rubric = {points: rubricPoints};
  if (f.mode === 'ai') {
    body.marking = {mode: 'ai', autoAccept: {enabled: form.elements.autoAccept.checked}};
    if (f.tolerance !== '') body.marking.doubleMarking = {enabled: true, tolerance: Number(f.tolerance)};
  }
  return body;
}

function uploadForm(examId) {
  const report = h('div', {'data-testid': 'upload-report'});
  const form = h('form', {class: 'inline', 'data-testid': 'upload', onsubmit: event => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    if (!file) return;
    act(form.querySelector('button'), async () => {
      // the file goes as the body, read by the browser as it is sent
      show(report, uploadReport(await api('POST', `/exams/${examId}/submissions`, file, 'text/csv')));
    });
  }},
  h('input', {name: 'file', type: 'file', accept: '.csv,text/csv', required: true}),
  h('button', {type: 'submit'}, t('upload')));
  return h('div', {}, h('p', {class: 'muted'}, t('uploadHelp')), form, report);
}

function uploadReport(result) {
  return h('div', {},
    h('p', {}, h('strong', {'data-testid': 'accepted'}, result.accepted), ' ', t('accepted'), ' · ',
      h('strong', {'data-testid': 'rejected'}, result.rejected.length + result.rejectedNotListed), ' ', t('rejected')),
    result.rejected.length > 0 && h('table', {'data-testid': 'rejects'},
      heads('row', 'code', 'message'),
      h('tbody', {}, result.rejected.map(r => h('tr', {}, h('td', {}, r.row), h('td', {}, r.code),
        h('td', {}, r.message))))),
    result.rejectedNotListed > 0 && h('p', {class: 'muted'}, t('moreRejected', result.rejectedNotListed)));
}

function jobTable(jobs) {
  if (jobs.length === 0) return h('p', {class: 'muted'}, t('noJobs'));
  return h('table', {'data-testid': 'jobs'},
    heads('created', 'state', 'progress'),
    h('tbody', {}, jobs.map(job => h('tr', {},
      h('td', {}, h('a', {href: `#/jobs/${job.id}`}, when(job.createdAt))),
      h('td', {}, job.state), h('td', {}, `${num(job.percent, 1)} %`)))));
}
