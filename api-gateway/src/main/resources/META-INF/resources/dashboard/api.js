// The public API (/api/v1) with the signed-in person's bearer token. The token lives in this tab's
// sessionStorage only; a login link carries it in the URL fragment, which the browser never sends.

const KEY = 'zhiyue.token';
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, problem) {
    const fieldErrors = (problem.errors || []).map(e => `${e.field}: ${e.message}`).join('; ');
    super([problem.detail || problem.title || `HTTP ${status}`, fieldErrors].filter(Boolean).join(' — '));
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/** Takes a token from a login link (#token=…) once and forgets the link. */
export function adoptLinkToken() {
  const match = location.hash.match(/^#token=([\w.-]+)/);
  if (match) {
    sessionStorage.setItem(KEY, match[1]);
    history.replaceState(null, '', location.pathname + '#/');
  }
}

export const token = () => sessionStorage.getItem(KEY);
export const signIn = value => sessionStorage.setItem(KEY, value.trim());
export const signOut = () => sessionStorage.removeItem(KEY);

/** The token's claims, for showing who is signed in (the gateway verifies the token; this only reads it). */
export function claims() {
  try {
    const part = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), c => c.charCodeAt(0)));
    const body = JSON.parse(json);
    return {sub: body.sub, tenant: body.tenant, roles: body.groups || [], exp: body.exp};
  } catch {
    return null;
  }
}

export const hasRole = (...roles) => (claims()?.roles || []).some(role => roles.includes(role));

let onUnauthorized = () => {};
export function whenUnauthorized(handler) { onUnauthorized = handler; }

/** One authorised request; a 401 signs the person out, any other failure throws ApiError with the problem. */
async function send(path, init = {}) {
  const response = await fetch(API + path, {...init, headers: {...init.headers, Authorization: `Bearer ${token()}`}});
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** Calls the API; answers the JSON body (null for 204), throws ApiError with the problem. */
export async function api(method, path, body, contentType = 'application/json') {
  const headers = {Accept: 'application/json, application/problem+json'};
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const response = await send(path, {method, headers, body: payload});
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return {title: response.statusText};
  }
}

/**
 * Downloads a route's body as a file. The browser holds the file until it is saved, so this suits a job's export
 * as a teacher takes it; a script takes a very large export straight from the API, which streams it.
 */
export async function download(path, filename) {
  const response = await send(path);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), {href: url, download: filename});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Reads a server-sent event stream (EventSource cannot send a bearer token): calls onEvent with each
 * event's parsed data as it arrives; `signal` aborts it.
 */
export async function streamEvents(path, onEvent, signal) {
  const response = await send(path, {headers: {Accept: 'text/event-stream'}, signal});
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(0, end).split('\n').filter(line => line.startsWith('data:'))
        .map(line => line.slice(5).replace(/^ /, '')).join('\n');
      buffer = buffer.slice(end + 2);
      if (data) onEvent(JSON.parse(data));
    }
  }
}
