// The teacher's dashboard: hash routes over the public API and the live channel, nothing else.

import {h, show} from './dom.js';
import {adoptLinkToken, claims, hasRole, signIn, signOut, token, whenUnauthorized} from './api.js';
import {live} from './live.js';
import {lang, setLang, t} from './i18n.js';
import {examsView, examView} from './exams.js';
import {jobView} from './job.js';
import {markView} from './marking.js';
import {qualityView} from './quality.js';
import {opsView, sagaView, traceView} from './ops.js';

const ROUTES = [
  [/^#?\/?$/, examsView],
  [/^#\/exams\/([\w-]+)$/, examView],
  [/^#\/exams\/([\w-]+)\/mark$/, markView],
  [/^#\/exams\/([\w-]+)\/quality$/, qualityView],
  [/^#\/jobs\/([\w-]+)$/, jobView],
  [/^#\/ops(?:\?state=\w+)?$/, opsView],
  [/^#\/ops\/sagas\/([\w-]+)$/, sagaView],
  [/^#\/ops\/traces\/([\w-]+)$/, traceView],
];

const main = document.getElementById('view');
const notice = document.getElementById('notice');
let cleanups = [];
/** Counts screens: a screen still loading when another was asked for is dropped when it arrives. */
let generation = 0;

/** Shows an error (an ApiError's problem detail) or a message until the next screen. */
export function notify(message, kind = 'error') {
  notice.hidden = false;
  notice.className = kind;
  notice.dataset.testid = kind === 'error' ? 'error' : 'message';
  show(notice, message instanceof Error ? message.message : message);
}

/** Registers what to stop when the screen changes (live subscriptions, timers, charts). */
export function onLeave(cleanup) {
  cleanups.push(cleanup);
}

/** Runs an action from a button: disabled while it runs, its failure shown. */
export async function act(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    notify(error);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function refresh() {
  return render();
}

async function render() {
  const mine = ++generation;
  cleanups.forEach(cleanup => cleanup());
  cleanups = [];
  notice.hidden = true;
  renderHeader();
  if (!token()) {
    show(main, signInForm());
    return;
  }
  const hash = location.hash || '#/';
  const route = ROUTES.find(([pattern]) => pattern.test(hash));
  if (!route) {
    location.hash = '#/';
    return;
  }
  show(main, h('p', {class: 'muted'}, '…'));
  try {
    const screen = await route[1](...hash.match(route[0]).slice(1));
    if (mine === generation) show(main, screen);
  } catch (error) {
    // a 401 has already signed the person out and shown why
    if (mine === generation && error.status !== 401) {
      show(main);
      notify(error);
    }
  }
}

function renderHeader() {
  const who = claims();
  const state = h('span', {class: 'live-state', 'data-testid': 'live-state'});
  onLeave(live.onState(value => {
    state.className = `live-state ${value}`;
    show(state, t({open: 'live', connecting: 'connecting', retrying: 'retrying', closed: 'offline'}[value]));
  }));
  show(document.getElementById('header'),
    h('a', {href: '#/', class: 'brand'}, t('appName')),
    token() && h('nav', {},
      h('a', {href: '#/'}, t('exams')),
      hasRole('admin', 'platform-admin') && h('a', {href: '#/ops', 'data-testid': 'nav-ops'}, t('operations'))),
    h('span', {class: 'spacer'}),
    token() && state,
    who && h('span', {class: 'who', 'data-testid': 'who'}, `${who.sub} · ${who.tenant} · ${who.roles.join(', ')}`),
    h('button', {type: 'button', class: 'link', 'data-testid': 'lang',
      onclick: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); render(); }}, t('language')),
    token() && h('button', {type: 'button', class: 'link', 'data-testid': 'sign-out',
      onclick: () => { signOut(); live.close(); render(); }}, t('signOut')));
}

function signInForm() {
  const form = h('form', {class: 'card narrow', 'data-testid': 'sign-in', onsubmit: event => {
    event.preventDefault();
    signIn(form.elements.token.value);
    render();
  }},
  h('h1', {}, t('signIn')),
  h('p', {class: 'muted'}, t('signInHelp')),
  h('label', {}, t('token'), h('textarea', {name: 'token', rows: 4, required: true})),
  h('button', {type: 'submit'}, t('signIn')));
  return form;
}

whenUnauthorized(() => {
  signOut();
  live.close();
  render().then(() => notify(t('sessionEnded')));
});

adoptLinkToken();
window.addEventListener('hashchange', render);
window.zhiyueLive = live; // lets a test (or a curious person) drop the socket: zhiyueLive.drop()
render();
