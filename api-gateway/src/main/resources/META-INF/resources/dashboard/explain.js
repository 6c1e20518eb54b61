// The LLM's explanation of a proposal, shown token by token as the model writes it; stopped with its screen.

import {h, show} from './dom.js';
import {streamEvents} from './api.js';
import {t} from './i18n.js';
import {onLeave} from './app.js';

/** path: a submission's or a review item's explanation route. */
export function explanation(path) {
  const text = h('p', {class: 'explanation', 'data-testid': 'explanation'});
  const stop = new AbortController();
  onLeave(() => stop.abort());
  streamEvents(path, event => {
    if (event.type === 'token') text.append(event.text);
    else if (event.type === 'error') text.append(h('span', {class: 'error'}, ' ', event.message || 'error'));
  }, stop.signal).catch(error => {
    if (error.name !== 'AbortError') show(text, h('span', {class: 'error'}, error.status === 404 ? t('noLlm') : error.message));
  });
  return text;
}
