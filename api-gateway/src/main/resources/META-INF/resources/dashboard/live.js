// The live channel (/ws) as README "A client that survives exam day" asks: one socket for the page,
// every subscription resumed with the last id seen after a drop, reconnects with capped exponential
// backoff and full jitter, duplicates dropped by id.

import {token} from './api.js';

/** Stream ids ("<ms>-<seq>") in order. */
export function compareIds(a, b) {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? (as < bs ? -1 : as > bs ? 1 : 0) : (am < bm ? -1 : 1);
}

export class Live {
  constructor() {
    this.channels = new Map(); // channel -> {handlers, lastId}
    this.attempt = 0;
    this.listeners = new Set();
    this.state = 'closed';
  }

  /**
   * handler(message) gets every message of the channel once, in order; answers an unsubscribe function. Several
   * handlers may share a channel (a screen still loading while the next one subscribes): each gets every message.
   */
  subscribe(channel, handler) {
    let subscription = this.channels.get(channel);
    if (!subscription) {
      subscription = {handlers: new Set(), lastId: null};
      this.channels.set(channel, subscription);
      if (this.socket?.readyState === WebSocket.OPEN) this.send(channel);
    }
    subscription.handlers.add(handler);
    this.connect();
    return () => {
      subscription.handlers.delete(handler);
      if (subscription.handlers.size > 0 || this.channels.get(channel) !== subscription) return;
      this.channels.delete(channel);
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({type: 'UNSUBSCRIBE', channel}));
      }
      // the next screen usually subscribes at once: keep the socket a moment rather than upgrade again
      clearTimeout(this.idle);
      if (this.channels.size === 0) this.idle = setTimeout(() => this.channels.size === 0 && this.close(), 5000);
    };
  }

  /** listener(state): 'connecting' | 'open' | 'retrying' | 'closed' */
  onState(listener) {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  setState(state) {
    this.state = state;
    this.listeners.forEach(listener => listener(state));
  }

  connect() {
    clearTimeout(this.idle);
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    clearTimeout(this.retry);
    this.setState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // browsers cannot set headers on a WebSocket: the token goes as the subprotocol pair "bearer, <token>"
    const socket = new WebSocket(`${scheme}//${location.host}/ws`, ['bearer', token()]);
    this.socket = socket;
    let openedAt = 0;
    socket.onopen = () => {
      openedAt = Date.now();
      this.setState('open');
      for (const channel of this.channels.keys()) this.send(channel);
    };
    socket.onmessage = event => this.receive(JSON.parse(event.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.channels.size === 0) { this.setState('closed'); return; }
      // a connection that stayed up a minute starts the backoff again; one that never opened backs off further
      if (openedAt && Date.now() - openedAt > 60_000) this.attempt = 0;
      const delay = Math.random() * Math.min(30_000, 500 * 2 ** this.attempt++);
      this.setState('retrying');
      this.retry = setTimeout(() => this.connect(), delay);
    };
  }

  send(channel) {
    const {lastId} = this.channels.get(channel);
    this.socket.send(JSON.stringify(lastId ? {type: 'SUBSCRIBE', channel, lastEventId: lastId}
      : {type: 'SUBSCRIBE', channel}));
  }

  receive(message) {
    const subscription = message.channel && this.channels.get(message.channel);
    if (!subscription) return; // HEARTBEAT, or a channel left meanwhile
    if (message.type === 'SYSTEM_STATUS' && message.data?.recovered === false) {
      // history no longer holds what was missed: the snapshot replaces the state, and the channel goes on from
      // the position it names, which may be before the last id seen (an id beyond the stream's end, say)
      subscription.lastId = message.id;
    } else if (message.id) {
      if (subscription.lastId && compareIds(message.id, subscription.lastId) <= 0) return;
      subscription.lastId = message.id;
    }
    subscription.handlers.forEach(handler => handler(message));
  }

  /** For a test or a person: drops the socket as a network would; the channel resumes by itself. */
  drop() {
    this.socket?.close();
  }

  close() {
    clearTimeout(this.retry);
    clearTimeout(this.idle);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.setState('closed');
  }
}

export const live = new Live();
