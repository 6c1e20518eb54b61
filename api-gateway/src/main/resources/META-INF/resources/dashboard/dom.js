// Tiny DOM helpers: every text a person or a student wrote goes in as a text node, never as HTML.

/** h('div', {class: 'x', onclick: f}, 'text', child, [children]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what el shows. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A number for people: at most `digits` decimals, '–' for nothing. */
export function num(value, digits = 2) {
  if (value === undefined || value === null || value === '') return '–';
  const n = Number(value);
  return Number.isFinite(n) ? String(Math.round(n * 10 ** digits) / 10 ** digits) : String(value);
}

export function pct(value) {
  return value === undefined || value === null ? '–' : num(value * 100, 1) + ' %';
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** A form's named fields as an object of strings. */
export function fields(form) {
  return Object.fromEntries(new FormData(form).entries());
}
