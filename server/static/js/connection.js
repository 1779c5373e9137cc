// The connection: one websocket at a time, the hello, backoff, and re-sending the outbox on every
// welcome. A dead-looking socket after a long sleep is replaced; turned away at the door, the page
// knocks only now and then; after the end, once its link has closed, it stops.

import { hasWritten } from './derived.js';
import { newMessageId } from './crypto.js';
import { probeSoon, wsUrl } from './link.js';
import { flush, transmitWith } from './outbox.js';
import { endedHere, receive } from './replies.js';
import { changed, state } from './state.js';
import { keepTicking } from './timer.js';

const PROTOCOL = 1;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
const CONNECT_TIMEOUT_MS = 8000;
const STALE_AFTER_HIDDEN_MS = 15000;
/** Refused on hello (locked joining, a replaced link): try again only this often, or when the phone wakes. */
const GATED_RETRY_MS = 15000;
const RESEND_AFTER_RATE_LIMIT_MS = 1500;
const RESYNC_AGAIN_MS = 2000;

let socket = null;
let retryDelay = RETRY_MIN_MS;
let retryTimer = null;
let connectTimer = null;
let resendTimer = null;
let hiddenSince = 0;
let askedForTheBoardAt = 0;
/** Connections closed before a welcome since the last welcome. */
let failedConnects = 0;

function useSocket(ws) {
  socket = ws;
  if (ws === null) Object.assign(state.link, { ready: false, checking: false });
  changed();
}

function tryAgain() {
  connect();
  state.link.checking = socket !== null;
  changed();
}

function hello() {
  const message = { type: 'hello', id: newMessageId(), protocol: PROTOCOL, secret: state.secret, patches: true };
  // So that "N of M phones have written" survives a reconnect. Nothing else about this phone is said.
  if (hasWritten()) message.wrote = true;
  return message;
}

function transmit(message) {
  if (!state.link.ready || !socket || socket.readyState !== WebSocket.OPEN) return;
  try {
    const framed = message.pulse
      ? { type: 'pulse_answer', id: message.id, answers: message.pulse }
      : { type: 'command', id: message.id, command: message.command };
    socket.send(JSON.stringify(framed));
  } catch (_) {
    // The close handler reconnects; the outbox keeps the message.
  }
}

/** A board version went missing on the way: the whole board again, and patches from there. Asked at
 * most once a while, however many patches come meanwhile; again if the answer has not come by then. */
function askForTheBoard() {
  if (Date.now() - askedForTheBoardAt < RESYNC_AGAIN_MS) return;
  askedForTheBoardAt = Date.now();
  try {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'resync', id: newMessageId() }));
  } catch (_) {
    // The close handler reconnects, and every welcome is followed by the whole board.
  }
}

function closeQuietly(old) {
  if (!old) return;
  old.onopen = old.onmessage = old.onclose = null;
  try {
    old.close();
  } catch (_) {
    // Already closing.
  }
}

/** Turned away after the end: nothing more will come, and nothing of the ended page may go. */
function closeLink() {
  Object.assign(state.link, { closed: true, gate: null });
  clearTimeout(retryTimer);
  retryTimer = null;
  closeQuietly(socket);
  useSocket(null);
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (state.link.closed) return;
  if (socket && (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN)) return;
  let ws;
  try {
    ws = new WebSocket(wsUrl());
  } catch (_) {
    scheduleReconnect();
    return;
  }
  state.link.ready = false;
  useSocket(ws);
  clearTimeout(connectTimer);
  connectTimer = setTimeout(() => {
    if (socket === ws && ws.readyState !== WebSocket.OPEN) dropSocket();
  }, CONNECT_TIMEOUT_MS);
  ws.onopen = () => {
    if (socket !== ws) return;
    clearTimeout(connectTimer);
    ws.send(JSON.stringify(hello()));
  };
  ws.onmessage = (event) => {
    if (socket === ws) onMessage(event.data);
  };
  ws.onclose = () => {
    if (socket === ws) onClose();
  };
}

function onMessage(data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch (_) {
    return;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return;
  const next = receive(message);
  if (next === 'welcomed') {
    failedConnects = 0;
    retryDelay = RETRY_MIN_MS;
    flush();
  } else if (next === 'resync') {
    askForTheBoard();
  } else if (next === 'closed') {
    closeLink();
  } else if (next === 'slow-down' && !resendTimer) {
    resendTimer = setTimeout(() => {
      resendTimer = null;
      flush();
    }, RESEND_AFTER_RATE_LIMIT_MS);
  }
}

function onClose() {
  const welcomed = state.link.ready;
  useSocket(null);
  // Turned away without a word, after this page's own address stopped answering: the link is gone.
  if (!welcomed && state.link.gone && endedHere()) {
    closeLink();
    return;
  }
  if (!welcomed && state.link.gone && !state.link.gate) state.link.gate = 'expired';
  // Closed before any welcome, again and again: is this page's address still there at all?
  if (!welcomed && !state.link.gate) {
    failedConnects += 1;
    if (failedConnects % 3 === 0) probeSoon(onLinkGone);
  }
  scheduleReconnect();
}

function onLinkGone() {
  if (endedHere() && !state.link.ready) closeLink();
  else if (state.link.ready) freshConnection();
}

function dropSocket() {
  closeQuietly(socket);
  useSocket(null);
  scheduleReconnect();
}

function scheduleReconnect() {
  if (retryTimer || state.link.closed) return;
  // Turned away at the door: knocking again soon would not help, so only now and then, or on waking.
  const delay = state.link.gate ? GATED_RETRY_MS : retryDelay;
  retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
  retryTimer = setTimeout(connect, delay);
}

function freshConnection() {
  closeQuietly(socket);
  useSocket(null);
  retryDelay = RETRY_MIN_MS;
  connect();
}

function reconnectNow() {
  retryDelay = RETRY_MIN_MS;
  if (!socket) connect();
}

function onVisibility() {
  if (document.visibilityState === 'hidden') {
    hiddenSince = Date.now();
    return;
  }
  const asleepFor = hiddenSince ? Date.now() - hiddenSince : 0;
  hiddenSince = 0;
  keepTicking();
  changed();
  if (!socket) {
    reconnectNow();
  } else if (asleepFor > STALE_AFTER_HIDDEN_MS) {
    // After a long sleep the socket may look open but be dead; a fresh one costs little.
    freshConnection();
  }
}

export function start() {
  transmitWith(transmit);
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('online', reconnectNow);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) reconnectNow();
  });
  document.addEventListener('retro:try-again', tryAgain);
  connect();
}
