// The phone page for retro. Plain ES2020, no dependencies.
// Every piece of user or server text goes through textContent / createTextNode, never HTML parsing.
'use strict';

(() => {
  const PROTOCOL = 1;
  const MAX_ITEM_CHARS = 280;
  const FEATURED_PROMPT = 'learning';
  const RETRY_MIN_MS = 500;
  const RETRY_MAX_MS = 5000;
  const CONNECT_TIMEOUT_MS = 8000;
  const STALE_AFTER_HIDDEN_MS = 15000;
  const SETTLE_MS = 2000;
  const ERROR_VISIBLE_MS = 9000;

  /** Where each part of the page shows. Everything else about a phase comes from the board. */
  const TOPIC_PHASES = new Set(['group', 'vote', 'discuss', 'actions', 'ended']);
  const ACTION_PHASES = new Set(['discuss', 'actions', 'close', 'ended']);
  const OUTCOMES = {
    done: 'Done',
    carried_over: 'Carried over',
    dropped: 'Dropped',
  };
  const ROTI = { text: 'Was this retro worth the time you put in?', low: 1, high: 5, lowLabel: 'Not at all', highLabel: 'Very much' };

  const TOKEN = location.pathname.split('/').filter(Boolean).pop() || '';
  const KEY = 'retro:' + TOKEN + ':';
  const WS_URL = (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws/' + TOKEN;

  // ---------------------------------------------------------------- randomness and hashing

  function base64url(bytes) {
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomToken(byteCount) {
    const bytes = new Uint8Array(byteCount);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  const newMessageId = () => randomToken(16); // 22 characters of [A-Za-z0-9_-]
  const newSecret = () => randomToken(32); // 43 characters

  // SHA-256 (FIPS 180-4). crypto.subtle only exists in secure contexts, and phones usually load
  // this page over plain http on the local network, so the page carries its own.
  const SHA256_K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function sha256Hex(text) {
    const data = new TextEncoder().encode(text);
    const length = data.length;
    const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000)); // high bits of length * 8
    view.setUint32(padded.length - 4, (length << 3) >>> 0);
    const h = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const w = new Uint32Array(64);
    const ror = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < padded.length; offset += 64) {
      for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
      for (let t = 16; t < 64; t++) {
        const a = w[t - 15];
        const b = w[t - 2];
        const s0 = ror(a, 7) ^ ror(a, 18) ^ (a >>> 3);
        const s1 = ror(b, 17) ^ ror(b, 19) ^ (b >>> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
      }
      let [a, b, c, d, e, f, g, k] = h;
      for (let t = 0; t < 64; t++) {
        const s1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
        const ch = (e & f) ^ (~e & g);
        const t1 = (k + s1 + ch + SHA256_K[t] + w[t]) | 0;
        const s0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
        const maj = (a & b) ^ (a & c) ^ (b & c);
        const t2 = (s0 + maj) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h[0] += a;
      h[1] += b;
      h[2] += c;
      h[3] += d;
      h[4] += e;
      h[5] += f;
      h[6] += g;
      h[7] += k;
    }
    let hex = '';
    for (let i = 0; i < 8; i++) hex += h[i].toString(16).padStart(8, '0');
    return hex;
  }

  /** Mirrors the server's clean_text closely enough to know when it would leave nothing. */
  const INVISIBLE = /\x1b\[[0-?]*[ -/]*[@-~]|[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu;
  const isBlank = (text) => text.replace(INVISIBLE, (c) => (c === '\u200d' ? c : '')).trim() === '';

  // ---------------------------------------------------------------- storage (this phone only)
  // Only what this phone needs to own its items and not lose a message: its secret, its items with their
  // secrets, the outbox, drafts and refused text. Private reflections are never stored.

  const memoryStore = new Map();

  function load(name, fallback) {
    let raw = null;
    try {
      raw = localStorage.getItem(KEY + name);
    } catch (_) {
      raw = memoryStore.has(name) ? memoryStore.get(name) : null;
    }
    if (raw === null) return fallback;
    try {
      return JSON.parse(raw);
    } catch (_) {
      return fallback;
    }
  }

  function save(name, value) {
    const raw = JSON.stringify(value);
    memoryStore.set(name, raw);
    try {
      localStorage.setItem(KEY + name, raw);
    } catch (_) {
      // Private browsing or a full quota: keep going in memory for this visit.
    }
  }

  function participantSecret() {
    let secret = null;
    try {
      secret = localStorage.getItem(KEY + 'secret');
    } catch (_) {
      secret = memoryStore.get('secret') || null;
    }
    if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{22,128}$/.test(secret)) {
      secret = newSecret();
      memoryStore.set('secret', secret);
      try {
        localStorage.setItem(KEY + 'secret', secret);
      } catch (_) {
        // As above: this visit only.
      }
    }
    return secret;
  }

  const asArray = (value) => (Array.isArray(value) ? value : []);
  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const str = (value) => (typeof value === 'string' ? value : '');

  const SECRET = participantSecret();
  const state = {
    board: null,
    priv: null,
    /** Server clock minus this phone's clock, from the last board message: the timer runs on the server's time. */
    clockOffset: 0,
    /** @type {{item_id: string|null, secret: string, prompt_id: string, text: string, msg_id: string, acked: boolean}[]} */
    items: asArray(load('items', [])).filter((it) => isObject(it) && typeof it.msg_id === 'string'),
    /** True once the server has taken an item from this phone in this retro (kept even if it is withdrawn). */
    wrote: load('wrote', false) === true,
    /** @type {{id: string, command: object}[]} */
    outbox: asArray(load('outbox', [])).filter((m) => isObject(m) && typeof m.id === 'string' && isObject(m.command)),
    /** Text typed into a prompt's box but not yet added, by prompt_id. */
    drafts: isObject(load('drafts', {})) ? load('drafts', {}) : {},
    /** Items the server refused, kept so nothing typed is lost. */
    rescued: asArray(load('rescued', [])).filter((r) => isObject(r) && typeof r.text === 'string'),
    /** Commands acked but not yet reflected in a `private` message (dots and answers). */
    settling: [],
    /** Private reflections, by question. In memory only: never sent, never stored. */
    reflections: new Map(),
    /** The closing questions, remembered from Close so that a reflection survives the end of the retro. */
    closingQuestions: [],
    ready: false,
    everReady: false,
    lastPhase: null,
  };

  const saveItems = () => save('items', state.items);
  const saveOutbox = () => save('outbox', state.outbox);
  const saveDrafts = () => save('drafts', state.drafts);
  const saveRescued = () => save('rescued', state.rescued);
  const hasWritten = () => state.wrote || state.items.some((it) => it.acked && it.item_id);

  // An item typed before a crash between the two saves still gets sent.
  for (const item of state.items) {
    if (!item.acked && !state.outbox.some((m) => m.id === item.msg_id)) {
      state.outbox.push({
        id: item.msg_id,
        command: { kind: 'add_item', prompt_id: item.prompt_id, text: item.text, owner_hash: sha256Hex(item.secret) },
      });
    }
  }
  saveOutbox();

  // ---------------------------------------------------------------- DOM helpers

  const $ = (id) => document.getElementById(id);

  /** Build an element. Attributes via setAttribute; children as nodes or text (never parsed as HTML). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false) continue;
        if (name === 'text') node.textContent = String(value);
        else node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function setText(node, text) {
    const value = String(text);
    if (node.textContent !== value) node.textContent = value;
  }

  function show(node, visible) {
    if (node.hidden === visible) node.hidden = !visible;
  }

  function setAttr(node, name, value) {
    if (value === null || value === undefined || value === false) {
      if (node.hasAttribute(name)) node.removeAttribute(name);
    } else if (node.getAttribute(name) !== String(value)) {
      node.setAttribute(name, String(value));
    }
  }

  /** Rebuild a node's children only when what they show has changed (keeps focus and scroll steady). */
  function replaceIfChanged(node, signature, build) {
    if (node.dataset.signature === signature) return;
    node.dataset.signature = signature;
    node.replaceChildren(...build());
  }

  const plural = (n, one, many) => (n === 1 ? one : many);

  function pips(node, filled, total) {
    const existing = node.children;
    while (existing.length > total) node.removeChild(node.lastChild);
    for (let i = 0; i < total; i++) {
      let pip = existing[i];
      if (!pip) {
        pip = el('span', { class: 'pip' });
        node.appendChild(pip);
      }
      pip.classList.toggle('on', i < filled);
    }
  }

  /** "2026-12-04" → "4 Dec" in the phone's language, without time zones shifting the day. */
  function formatDate(iso) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str(iso));
    if (!match) return str(iso);
    const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    const sameYear = date.getFullYear() === new Date().getFullYear();
    try {
      return date.toLocaleDateString(undefined, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
    } catch (_) {
      return str(iso);
    }
  }

  function formatMean(mean) {
    return typeof mean === 'number' && Number.isFinite(mean) ? mean.toFixed(1) : '–';
  }

  // ---------------------------------------------------------------- the websocket

  let socket = null;
  let retryDelay = RETRY_MIN_MS;
  let retryTimer = null;
  let connectTimer = null;
  let hiddenSince = 0;
  let resendTimer = null;

  function hello() {
    const message = { type: 'hello', id: newMessageId(), protocol: PROTOCOL, secret: SECRET };
    // So that "N of M phones have written" survives a reconnect. Nothing else about this phone is said.
    if (hasWritten()) message.wrote = true;
    return message;
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (socket && (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN)) return;
    let ws;
    try {
      ws = new WebSocket(WS_URL);
    } catch (_) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    state.ready = false;
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
      if (socket !== ws) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      if (isObject(message)) receive(message);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      state.ready = false;
      renderStatus();
      scheduleReconnect();
    };
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

  function dropSocket() {
    closeQuietly(socket);
    socket = null;
    state.ready = false;
    renderStatus();
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    const delay = retryDelay;
    retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
    retryTimer = setTimeout(connect, delay);
  }

  function freshConnection() {
    closeQuietly(socket);
    socket = null;
    state.ready = false;
    renderStatus();
    retryDelay = RETRY_MIN_MS;
    connect();
  }

  function reconnectNow() {
    retryDelay = RETRY_MIN_MS;
    if (!socket) connect();
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      hiddenSince = Date.now();
      return;
    }
    const asleepFor = hiddenSince ? Date.now() - hiddenSince : 0;
    hiddenSince = 0;
    tickTimer();
    if (!socket) {
      reconnectNow();
    } else if (asleepFor > STALE_AFTER_HIDDEN_MS) {
      // After a long sleep the socket may look open but be dead; a fresh one costs little.
      freshConnection();
    }
  });
  window.addEventListener('online', reconnectNow);
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) reconnectNow();
  });

  function transmit(message) {
    if (!state.ready || !socket || socket.readyState !== WebSocket.OPEN) return;
    try {
      socket.send(JSON.stringify({ type: 'command', id: message.id, command: message.command }));
    } catch (_) {
      // The close handler reconnects; the outbox keeps the message.
    }
  }

  function flushOutbox() {
    for (const message of state.outbox) transmit(message);
  }

  function send(command) {
    const message = { id: newMessageId(), command };
    state.outbox.push(message);
    saveOutbox();
    transmit(message);
    return message.id;
  }

  function takeFromOutbox(id) {
    const index = state.outbox.findIndex((m) => m.id === id);
    if (index < 0) return null;
    const [message] = state.outbox.splice(index, 1);
    saveOutbox();
    return message;
  }

  // ---------------------------------------------------------------- server messages

  function receive(message) {
    switch (message.type) {
      case 'welcome':
        state.ready = true;
        state.everReady = true;
        retryDelay = RETRY_MIN_MS;
        renderStatus();
        flushOutbox();
        break;
      case 'board':
        if (isObject(message.board)) {
          const serverTime = Date.parse(str(message.server_time));
          if (Number.isFinite(serverTime)) state.clockOffset = serverTime - Date.now();
          state.board = message.board;
          render();
        }
        break;
      case 'private':
        if (isObject(message.private)) {
          state.priv = message.private;
          clearSettling();
          render();
        }
        break;
      case 'ack':
        onAck(message);
        break;
      case 'error':
        onError(message);
        break;
      default:
        break;
    }
  }

  /** Commands whose effect shows in the `private` message, which follows the ack a moment later. */
  const SETTLES = new Set(['cast_vote', 'retract_vote', 'answer_check_in', 'answer_roti']);

  function onAck(ack) {
    const message = takeFromOutbox(ack.id);
    if (!message) return;
    const command = message.command;
    if (command.kind === 'add_item') {
      const item = state.items.find((it) => it.msg_id === ack.id);
      if (item) {
        if (ack.item_id) {
          item.item_id = ack.item_id;
          item.acked = true;
          if (!state.wrote) {
            state.wrote = true;
            save('wrote', true);
          }
        } else {
          // A repeat of an add whose item has since gone: nothing left to show.
          state.items = state.items.filter((it) => it !== item);
        }
        saveItems();
      }
    } else if (command.kind === 'withdraw_item') {
      state.items = state.items.filter((it) => it.item_id !== command.item_id);
      saveItems();
    } else if (SETTLES.has(command.kind) && !ack.duplicate) {
      const entry = { command, timer: 0 };
      entry.timer = setTimeout(() => {
        state.settling = state.settling.filter((s) => s !== entry);
        render();
      }, SETTLE_MS);
      state.settling.push(entry);
    }
    render();
  }

  function clearSettling() {
    for (const entry of state.settling) clearTimeout(entry.timer);
    state.settling = [];
  }

  function onError(error) {
    const text = typeof error.message === 'string' && error.message ? error.message : 'Something went wrong.';
    // A refusal carries the message's id whenever the server could read it; this page always sends one.
    const id = typeof error.id === 'string' ? error.id : null;
    const message = id && error.code !== 'rate_limited' ? takeFromOutbox(id) : null;
    if (message) {
      const command = message.command;
      if (command.kind === 'add_item') {
        const item = state.items.find((it) => it.msg_id === id);
        state.items = state.items.filter((it) => it.msg_id !== id);
        saveItems();
        restoreText(command.prompt_id, item ? item.text : command.text);
      } else if (command.kind === 'withdraw_item' && (error.code === 'not_found' || error.code === 'not_owner')) {
        state.items = state.items.filter((it) => it.item_id !== command.item_id);
        saveItems();
      }
    }
    if (error.code === 'rate_limited' && !resendTimer) {
      resendTimer = setTimeout(() => {
        resendTimer = null;
        flushOutbox();
      }, 1500);
    }
    showError(text);
    render();
  }

  /** Put refused text back where it was typed, or keep it in "Not sent": never lose it. */
  function restoreText(promptId, text) {
    const card = promptCards.get(promptId);
    const inWrite = state.board && state.board.phase === 'write';
    if (inWrite && card && card.textarea.value.trim() === '') {
      card.textarea.value = text;
      state.drafts[promptId] = text;
      saveDrafts();
      updateComposer(card);
      return;
    }
    state.rescued.push({ prompt_id: promptId, text });
    saveRescued();
  }

  // ---------------------------------------------------------------- errors and announcements

  let errorTimer = null;

  function showError(text) {
    const banner = $('error');
    banner.textContent = text;
    show(banner, true);
    show($('error-close'), true);
    clearTimeout(errorTimer);
    errorTimer = setTimeout(hideError, ERROR_VISIBLE_MS);
  }

  function hideError() {
    clearTimeout(errorTimer);
    show($('error'), false);
    show($('error-close'), false);
  }

  $('error-close').addEventListener('click', hideError);

  function announce(text) {
    const node = $('announcer');
    node.textContent = '';
    setTimeout(() => {
      node.textContent = text;
    }, 60);
  }

  // ---------------------------------------------------------------- what this phone has chosen
  // The server's word (the `private` message) plus what is still on its way: sent, or acked but not yet
  // reflected. So a tap shows at once, and survives a reconnect.

  function pendingCommands() {
    return state.settling.map((entry) => entry.command).concat(state.outbox.map((m) => m.command));
  }

  function pendingVotes() {
    const delta = new Map();
    let total = 0;
    for (const command of pendingCommands()) {
      const step = command.kind === 'cast_vote' ? 1 : command.kind === 'retract_vote' ? -1 : 0;
      if (!step) continue;
      delta.set(command.topic_id, (delta.get(command.topic_id) || 0) + step);
      total += step;
    }
    return { delta, total };
  }

  function votesPerPerson() {
    return Math.max(0, Number(state.board && state.board.votes_per_person) || 0);
  }

  function capPerTopic() {
    const cap = Number(state.board && state.board.max_votes_per_topic) || 0;
    return cap > 0 ? cap : votesPerPerson();
  }

  function myVotesOn(topicId, pending) {
    const mine = state.priv && isObject(state.priv.my_votes) ? Number(state.priv.my_votes[topicId]) || 0 : 0;
    return Math.max(0, mine + (pending.delta.get(topicId) || 0));
  }

  function dotsLeft(pending) {
    const budget = votesPerPerson();
    const confirmed = state.priv && Number.isFinite(state.priv.dots_left) ? state.priv.dots_left : budget;
    return Math.min(budget, Math.max(0, confirmed - pending.total));
  }

  /** This phone's answer to a check-in question, or null. */
  function myCheckIn(questionId) {
    let value = null;
    for (const command of pendingCommands()) {
      if (command.kind === 'answer_check_in' && command.question_id === questionId) value = command.value;
    }
    if (value !== null) return value;
    const mine = state.priv && isObject(state.priv.my_check_in) ? state.priv.my_check_in[questionId] : null;
    return typeof mine === 'number' ? mine : null;
  }

  function myRoti() {
    let value = null;
    for (const command of pendingCommands()) {
      if (command.kind === 'answer_roti') value = command.value;
    }
    if (value !== null) return value;
    const mine = state.priv ? state.priv.my_roti : null;
    return typeof mine === 'number' ? mine : null;
  }

  function promptText(promptId) {
    const prompts = asArray(state.board && state.board.prompts);
    const prompt = prompts.find((p) => isObject(p) && p.prompt_id === promptId);
    return prompt ? str(prompt.text) : '';
  }

  // ---------------------------------------------------------------- rendering

  function render() {
    renderStatus();
    const board = state.board;
    if (!board) return;
    const phase = str(board.phase);
    document.body.dataset.phase = phase;
    renderHeader(board);
    renderSteps(board);
    renderEnded(phase === 'ended' ? board : null);
    renderReview(phase === 'review' ? board : null);
    renderCheckIn(phase === 'check_in' ? board : null);
    renderWrite(phase === 'write' ? board : null);
    renderDots(phase === 'vote' ? board : null);
    renderDiscussing(phase === 'discuss' ? board : null);
    renderTopics(TOPIC_PHASES.has(phase) ? board : null);
    renderClose(phase === 'close' ? board : null);
    renderReflection(board);
    renderActions(board);
    renderUnsent(board);
    tickTimer();
    if (state.lastPhase !== null && state.lastPhase !== phase) {
      announce('Now: ' + (str(board.phase_label) || phase) + '. ' + str(board.instruction));
      if (!(document.activeElement && document.activeElement.tagName === 'TEXTAREA')) window.scrollTo(0, 0);
    }
    state.lastPhase = phase;
  }

  function renderStatus() {
    const node = $('status');
    let label;
    let key;
    if (state.ready) {
      label = 'Connected';
      key = 'connected';
    } else if (state.everReady) {
      label = 'Reconnecting…';
      key = 'reconnecting';
    } else {
      label = 'Connecting…';
      key = 'connecting';
    }
    setText(node, label);
    node.dataset.state = key;
  }

  function renderHeader(board) {
    const title = str(board.title) || 'Retro';
    setText($('title'), title);
    document.title = title + ' · Retro';
    setText($('team'), str(board.team) || 'Retro');
    setText($('phase-heading'), 'Now: ' + (str(board.phase_label) || str(board.phase)));
    setText($('instruction'), str(board.instruction));
  }

  // ---- the stepper: one small numbered dot per phase, the current one with its label in full

  function renderSteps(board) {
    const list = $('steps');
    const steps = asArray(board.steps).filter((s) => isObject(s) && typeof s.phase === 'string');
    let currentIndex = steps.findIndex((s) => s.phase === board.phase);
    const shown = steps.slice();
    if (currentIndex < 0 && board.phase) {
      // Ended follows the last step: every step is done, and the end shows as a step of its own.
      shown.push({ phase: board.phase, label: str(board.phase_label) || 'Ended', final: true });
      currentIndex = shown.length - 1;
    }
    while (list.children.length > shown.length) list.removeChild(list.lastChild);
    shown.forEach((step, index) => {
      let li = list.children[index];
      if (!li) {
        li = el('li', { class: 'step' }, el('span', { class: 'step-num', 'aria-hidden': 'true' }), el('span', { class: 'step-label' }), el('span', { class: 'sr-only step-state' }));
        list.appendChild(li);
      }
      const current = index === currentIndex;
      const done = index < currentIndex;
      setText(li.children[0], step.final || done ? '✓' : String(index + 1));
      setText(li.children[1], str(step.label) || step.phase);
      setText(li.children[2], current ? ', now' : done ? ', done' : '');
      li.classList.toggle('done', done);
      li.classList.toggle('current', current);
      li.classList.toggle('final', Boolean(step.final));
      li.children[1].classList.toggle('sr-only', !current);
      li.dataset.phase = step.phase;
      setAttr(li, 'aria-current', current ? 'step' : null);
      setAttr(li, 'data-testid', current ? 'phase' : null);
    });
    // With large text the row may scroll sideways: keep the current step in view when it changes.
    const nav = list.parentNode;
    const currentLi = list.children[currentIndex];
    if (currentLi && nav.dataset.phase !== board.phase) {
      nav.dataset.phase = board.phase;
      if (nav.scrollWidth > nav.clientWidth) {
        const left = currentLi.getBoundingClientRect().left - nav.getBoundingClientRect().left + nav.scrollLeft;
        nav.scrollLeft = Math.max(0, left - (nav.clientWidth - currentLi.offsetWidth) / 2);
      }
    }
  }

  // ---- review

  function renderReview(board) {
    const section = $('review');
    show(section, Boolean(board));
    if (!board) return;
    const review = asArray(board.review).filter(isObject);
    show($('review-empty'), review.length === 0);
    replaceIfChanged($('review-list'), JSON.stringify(review), () =>
      review.map((item) => {
        const outcome = OUTCOMES[item.outcome] ? item.outcome : 'open';
        const from = [str(item.from_title), formatDate(item.from_date)].filter(Boolean).join(', ');
        return el(
          'li',
          { class: 'card review-item', 'data-testid': 'review-item', 'data-outcome': outcome },
          el(
            'div',
            { class: 'review-head' },
            el('span', { class: 'badge badge-' + outcome, 'data-testid': 'outcome', text: OUTCOMES[item.outcome] || 'Not yet reviewed' }),
          ),
          el('p', { class: 'review-text', text: str(item.text) }),
          el('p', { class: 'meta', text: str(item.owner) + ' · due ' + formatDate(item.due) }),
          from ? el('p', { class: 'meta from', text: 'From ' + from }) : null,
        );
      }),
    );
  }

  // ---- scales (check-in and ROTI): big buttons, then the anonymous summary

  /** Buttons low..high, in rows that fit a phone: one row up to six, else two even rows. */
  function buildScale(container, low, high, testidPrefix, describe, onPick) {
    const count = high - low + 1;
    const columns = count <= 6 ? count : Math.ceil(count / 2);
    container.style.setProperty('--columns', String(columns));
    const buttons = [];
    for (let value = low; value <= high; value++) {
      const button = el('button', {
        type: 'button',
        class: 'scale-button',
        'data-testid': testidPrefix + value,
        'aria-pressed': 'false',
        'aria-label': describe(value),
        text: String(value),
      });
      button.addEventListener('click', () => onPick(value));
      buttons.push(button);
      container.appendChild(button);
    }
    return buttons;
  }

  function markChosen(buttons, low, chosen, sending) {
    buttons.forEach((button, index) => {
      const on = chosen === low + index;
      setAttr(button, 'aria-pressed', on ? 'true' : 'false');
      button.classList.toggle('chosen', on);
      button.classList.toggle('sending', on && sending);
    });
  }

  /** An AnswerSummary: a small histogram and the mean once enough answered, else only how many. */
  function renderSummary(node, summary, noun) {
    const answered = Math.max(0, Number(summary && summary.answered) || 0);
    const shown = Boolean(summary && summary.shown && Array.isArray(summary.histogram));
    const low = Number(summary && summary.low) || 0;
    const signature = JSON.stringify([answered, shown, shown ? summary.histogram : null, shown ? summary.mean : null, noun]);
    replaceIfChanged(node, signature, () => {
      if (!shown) {
        return [el('p', { class: 'summary-count', text: answered === 0 ? 'Nobody has answered yet' : answered + ' answered so far' })];
      }
      const histogram = summary.histogram.map((n) => Math.max(0, Number(n) || 0));
      const top = Math.max(1, ...histogram);
      const columns = histogram.map((n, index) => {
        const bar = el('span', { class: 'histo-bar' + (n === 0 ? ' zero' : '') });
        bar.style.height = Math.max(4, Math.round((n / top) * 100)) + '%';
        return el(
          'span',
          { class: 'histo-col' },
          el('span', { class: 'histo-n', text: n ? String(n) : '' }),
          el('span', { class: 'histo-track' }, bar),
          el('span', { class: 'histo-value', text: String(low + index) }),
        );
      });
      const spoken = histogram.map((n, index) => low + index + ': ' + n).join(', ');
      const histo = el('div', { class: 'histo', 'aria-hidden': 'true' }, ...columns);
      histo.style.setProperty('--columns', String(histogram.length));
      return [
        histo,
        el('p', { class: 'summary-count' }, el('strong', { text: 'Mean ' + formatMean(summary.mean) }), ' · ' + answered + ' answered'),
        el('p', { class: 'sr-only', text: noun + ' so far, value: people. ' + spoken }),
      ];
    });
  }

  // ---- check-in

  const questionCards = new Map();

  function renderCheckIn(board) {
    const section = $('checkin');
    const list = $('question-list');
    show(section, Boolean(board));
    if (!board) return;
    const k = Math.max(1, Number(board.min_responses) || 1);
    setText($('checkin-note'), 'Anonymous — only counts are shown, and only once at least ' + k + ' ' + plural(k, 'person has', 'people have') + ' answered.');
    const questions = asArray(board.questions).filter((q) => isObject(q) && typeof q.question_id === 'string');
    const signature = JSON.stringify(questions.map((q) => [q.question_id, q.text, q.low, q.high, q.low_label, q.high_label]));
    if (list.dataset.signature !== signature) {
      list.dataset.signature = signature;
      questionCards.clear();
      list.replaceChildren(...questions.map((q) => {
        const card = buildQuestionCard(q);
        questionCards.set(q.question_id, card);
        return card.root;
      }));
    }
    const summaries = asArray(board.check_in).filter(isObject);
    for (const q of questions) {
      const card = questionCards.get(q.question_id);
      const chosen = myCheckIn(q.question_id);
      const sending = state.outbox.some((m) => m.command.kind === 'answer_check_in' && m.command.question_id === q.question_id);
      markChosen(card.buttons, Number(q.low), chosen, sending);
      renderSummary(card.summary, summaries.find((s) => s.question_id === q.question_id), 'Answers');
    }
  }

  function buildQuestionCard(q) {
    const id = q.question_id;
    const low = Number(q.low) || 0;
    const high = Math.max(low, Number(q.high) || low);
    const headingId = 'q-' + id;
    const scale = el('div', { class: 'scale', role: 'group', 'aria-labelledby': headingId });
    const describe = (value) =>
      value + (value === low && q.low_label ? ', ' + q.low_label : value === high && q.high_label ? ', ' + q.high_label : '');
    const buttons = buildScale(scale, low, high, 'answer-' + id + '-', describe, (value) => answerCheckIn(id, value));
    const summary = el('div', { class: 'summary', 'data-testid': 'summary-' + id, 'aria-live': 'polite' });
    const root = el(
      'div',
      { class: 'card question', 'data-testid': 'question-' + id },
      el('h2', { class: 'question-text', id: headingId, text: str(q.text) }),
      scale,
      q.low_label || q.high_label
        ? el(
            'div',
            { class: 'scale-labels', 'aria-hidden': 'true' },
            el('span', { text: q.low_label ? low + ' · ' + q.low_label : '' }),
            el('span', { text: q.high_label ? high + ' · ' + q.high_label : '' }),
          )
        : null,
      summary,
    );
    return { root, buttons, summary };
  }

  function answerCheckIn(questionId, value) {
    if (!state.board || state.board.phase !== 'check_in') return;
    if (myCheckIn(questionId) === value) return;
    send({ kind: 'answer_check_in', question_id: questionId, value });
    render();
  }

  // ---- write

  /** @type {Map<string, {section: HTMLElement, textarea: HTMLTextAreaElement, add: HTMLButtonElement, counter: HTMLElement, count: HTMLElement, mine: HTMLElement, mineList: HTMLElement}>} */
  const promptCards = new Map();
  const autoGrow = !(window.CSS && CSS.supports && CSS.supports('field-sizing', 'content'));

  function orderedPrompts(board) {
    const prompts = asArray(board.prompts).filter((p) => isObject(p) && typeof p.prompt_id === 'string');
    const featured = prompts.filter((p) => p.prompt_id === FEATURED_PROMPT);
    return featured.concat(prompts.filter((p) => p.prompt_id !== FEATURED_PROMPT));
  }

  function renderWrite(board) {
    const section = $('write');
    if (!board) {
      if (promptCards.size) {
        promptCards.clear();
        section.replaceChildren();
        delete section.dataset.prompts;
      }
      show(section, false);
      return;
    }
    show(section, true);
    const prompts = orderedPrompts(board);
    const ids = prompts.map((p) => p.prompt_id).join('\n');
    if (section.dataset.prompts !== ids) {
      promptCards.clear();
      section.replaceChildren();
      section.dataset.prompts = ids;
      for (const prompt of prompts) {
        const card = buildPromptCard(prompt, prompt.prompt_id === FEATURED_PROMPT);
        promptCards.set(prompt.prompt_id, card);
        section.appendChild(card.section);
      }
    }
    const counts = isObject(board.counts) ? board.counts : {};
    for (const prompt of prompts) {
      const card = promptCards.get(prompt.prompt_id);
      const n = Number(counts[prompt.prompt_id]) || 0;
      setText(card.count, n === 0 ? 'No items yet' : n + ' ' + plural(n, 'item', 'items') + ' so far');
      renderMine(card, prompt.prompt_id);
    }
  }

  function buildPromptCard(prompt, featured) {
    const id = prompt.prompt_id;
    const textareaId = 'text-' + id;
    const hintId = 'hint-' + id;
    const counterId = 'counter-' + id;
    const labelId = 'label-' + id;
    const textarea = el('textarea', {
      id: textareaId,
      class: 'compose',
      'data-testid': 'text-' + id,
      maxlength: MAX_ITEM_CHARS,
      rows: 3,
      placeholder: 'One thought per item',
      'aria-describedby': (prompt.hint ? hintId + ' ' : '') + counterId,
      autocomplete: 'off',
      enterkeyhint: 'enter',
    });
    textarea.value = typeof state.drafts[id] === 'string' ? state.drafts[id] : '';
    const add = el('button', { type: 'button', class: 'button primary', 'data-testid': 'add-' + id, text: 'Add' });
    add.setAttribute('aria-label', 'Add to: ' + str(prompt.text));
    const counter = el('span', { class: 'counter', id: counterId, 'aria-live': 'polite' });
    const count = el('p', { class: 'count' });
    const mineList = el('ul', { class: 'mine-list' });
    const mine = el(
      'div',
      { class: 'mine', hidden: true },
      el('h3', { class: 'mine-title', text: 'Yours · only on this phone' }),
      mineList,
    );
    const section = el(
      'section',
      { class: 'card prompt' + (featured ? ' featured' : ''), 'data-testid': 'prompt-' + id, 'aria-labelledby': labelId },
      el(
        'div',
        { class: 'prompt-head' },
        el('h2', { class: 'prompt-title' }, el('label', { for: textareaId, id: labelId, text: str(prompt.text) })),
        featured ? el('span', { class: 'tag', text: 'Start here' }) : null,
      ),
      prompt.hint ? el('p', { class: 'hint', id: hintId, text: str(prompt.hint) }) : null,
      textarea,
      el('div', { class: 'compose-row' }, count, counter, add),
      mine,
    );
    const nudge = el('p', { class: 'nudge', 'data-testid': 'nudge', 'aria-live': 'polite', hidden: true });
    section.insertBefore(nudge, section.querySelector('.compose-row'));
    const card = { section, textarea, add, counter, count, mine, mineList, nudge };
    textarea.addEventListener('input', () => {
      state.drafts[id] = textarea.value;
      saveDrafts();
      updateComposer(card);
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        addItem(id, card);
      }
    });
    add.addEventListener('click', () => addItem(id, card));
    updateComposer(card);
    return card;
  }

  /* The blame nudge: the same rules the Python side uses (retro/blame_rules.json), run here as you
   * type, with no round trip. It suggests; it never blocks posting. */
  const blameRules = { suggestion: '', patterns: [] };

  function loadBlameRules() {
    fetch(location.pathname.replace(/\/$/, '') + '/blame_rules.json', { cache: 'no-store' })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (!data || !Array.isArray(data.rules)) return;
        blameRules.suggestion = str(data.suggestion);
        blameRules.patterns = data.rules.map((rule) => new RegExp(rule.pattern, rule.flags));
        promptCards.forEach((card) => updateNudge(card));
      })
      .catch(() => {});
  }

  function pointsAtPerson(text) {
    return blameRules.patterns.some((pattern) => pattern.test(text));
  }

  function updateNudge(card) {
    const flagged = card.textarea.value.trim() !== '' && pointsAtPerson(card.textarea.value);
    setText(card.nudge, flagged ? blameRules.suggestion : '');
    show(card.nudge, flagged);
  }

  function updateComposer(card) {
    updateNudge(card);
    const length = card.textarea.value.length;
    const left = MAX_ITEM_CHARS - length;
    setText(card.counter, length >= MAX_ITEM_CHARS - 60 ? left + ' ' + plural(left, 'character', 'characters') + ' left' : '');
    card.counter.classList.toggle('low', left <= 20);
    card.add.disabled = card.textarea.value.trim() === '';
    if (autoGrow) {
      card.textarea.style.height = 'auto';
      card.textarea.style.height = card.textarea.scrollHeight + 2 + 'px';
    }
  }

  function addItem(promptId, card) {
    const text = card.textarea.value.trim();
    if (!text) {
      card.textarea.focus();
      return;
    }
    if (isBlank(text)) {
      showError('That looks empty. Write a few words first.');
      card.textarea.focus();
      return;
    }
    const secret = newSecret();
    const command = { kind: 'add_item', prompt_id: promptId, text, owner_hash: sha256Hex(secret) };
    const item = { item_id: null, secret, prompt_id: promptId, text, msg_id: newMessageId(), acked: false };
    // The item is saved before the message leaves, so an ack can always find it.
    state.items.push(item);
    saveItems();
    state.outbox.push({ id: item.msg_id, command });
    saveOutbox();
    card.textarea.value = '';
    state.drafts[promptId] = '';
    saveDrafts();
    updateComposer(card);
    renderMine(card, promptId);
    transmit(state.outbox[state.outbox.length - 1]);
  }

  function renderMine(card, promptId) {
    const mine = state.items.filter((it) => it.prompt_id === promptId);
    show(card.mine, mine.length > 0);
    const list = card.mineList;
    const wanted = new Set(mine.map((it) => it.msg_id));
    for (const li of Array.from(list.children)) {
      if (!wanted.has(li.dataset.msg)) li.remove();
    }
    mine.forEach((item, index) => {
      let li = Array.from(list.children).find((node) => node.dataset.msg === item.msg_id);
      if (!li) {
        const withdraw = el('button', { type: 'button', class: 'button quiet', 'data-testid': 'withdraw', text: 'Withdraw' });
        withdraw.setAttribute('aria-label', 'Withdraw: ' + item.text);
        withdraw.addEventListener('click', () => withdrawItem(item.msg_id));
        li = el(
          'li',
          { class: 'mine-item', 'data-testid': 'mine', 'data-msg': item.msg_id },
          el('p', { class: 'mine-text', text: item.text }),
          el('div', { class: 'mine-meta' }, el('span', { class: 'mine-state' }), withdraw),
        );
      }
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      const withdrawing = item.item_id && state.outbox.some((m) => m.command.kind === 'withdraw_item' && m.command.item_id === item.item_id);
      let label = '';
      if (!item.acked) label = state.ready ? 'Sending…' : 'Waiting for connection…';
      else if (withdrawing) label = state.ready ? 'Withdrawing…' : 'Withdraws when reconnected…';
      setText(li.querySelector('.mine-state'), label);
      li.classList.toggle('pending', !item.acked || Boolean(withdrawing));
      li.querySelector('button').disabled = !item.acked || !item.item_id || Boolean(withdrawing);
    });
  }

  function withdrawItem(msgId) {
    const item = state.items.find((it) => it.msg_id === msgId);
    if (!item || !item.item_id) return;
    if (state.outbox.some((m) => m.command.kind === 'withdraw_item' && m.command.item_id === item.item_id)) return;
    send({ kind: 'withdraw_item', item_id: item.item_id, item_secret: item.secret });
    render();
  }

  // ---- vote: the dot budget, kept in view

  function renderDots(board) {
    show($('dotsbar'), Boolean(board));
    if (!board) return;
    const pending = pendingVotes();
    const budget = votesPerPerson();
    const left = dotsLeft(pending);
    const cap = capPerTopic();
    setText($('dots-left'), left + ' of ' + budget + ' dots left');
    pips($('dots-pips'), left, Math.min(budget, 20));
    let hint = '';
    if (budget > 0 && left === 0) hint = 'All your dots are placed. Tap − on a topic to move one.';
    else if (cap < budget) hint = 'At most ' + cap + ' of your dots can go on one topic.';
    setText($('dots-hint'), hint);
    show($('dots-hint'), hint !== '');
    $('dotsbar').classList.toggle('spent', budget > 0 && left === 0);
  }

  function castVote(topicId, kind) {
    const board = state.board;
    if (!board || board.phase !== 'vote') return;
    const pending = pendingVotes();
    const mine = myVotesOn(topicId, pending);
    if (kind === 'cast_vote' && (dotsLeft(pending) <= 0 || mine >= capPerTopic())) return;
    if (kind === 'retract_vote' && mine <= 0) return;
    send({ kind, topic_id: topicId });
    render();
  }

  // ---- topics: revealed in Group, voted on in Vote, discussed in Discuss, totals at the end

  /** @type {Map<string, object>} one card per topic_id, moved between the list and the "now discussing" slot */
  const topicCards = new Map();

  function topicList(board) {
    return asArray(board && board.topics).filter((t) => isObject(t) && typeof t.topic_id === 'string');
  }

  function currentTopicId(board) {
    return board && board.phase === 'discuss' && isObject(board.discussion) ? str(board.discussion.topic_id) : '';
  }

  function renderTopics(board) {
    const section = $('topics');
    const list = $('topic-list');
    if (!board) {
      show(section, false);
      if (topicCards.size) {
        for (const card of topicCards.values()) card.root.remove();
        topicCards.clear();
      }
      return;
    }
    const phase = board.phase;
    const topics = topicList(board);
    const currentId = currentTopicId(board);
    const ctx = {
      phase,
      pending: pendingVotes(),
      cap: capPerTopic(),
      top: Math.max(1, ...topics.map((t) => Number(t.votes) || 0)),
      discussed: new Set(asArray(board.discussed)),
      notes: new Map(),
      currentId,
    };
    ctx.left = dotsLeft(ctx.pending);
    for (const note of asArray(board.notes).filter(isObject)) {
      if (!ctx.notes.has(note.topic_id)) ctx.notes.set(note.topic_id, []);
      ctx.notes.get(note.topic_id).push(note);
    }

    const wanted = new Set(topics.map((t) => t.topic_id));
    for (const [id, card] of topicCards) {
      if (!wanted.has(id)) {
        card.root.remove();
        topicCards.delete(id);
      }
    }
    const listed = [];
    for (const topic of topics) {
      let card = topicCards.get(topic.topic_id);
      if (!card) {
        card = buildTopicCard(topic.topic_id);
        topicCards.set(topic.topic_id, card);
      }
      updateTopicCard(card, topic, ctx);
      if (topic.topic_id === currentId) {
        const slot = $('discussing-slot');
        if (card.root.parentNode !== slot) slot.replaceChildren(card.root);
      } else {
        listed.push(card.root);
      }
    }
    listed.forEach((root, index) => {
      if (list.children[index] !== root) list.insertBefore(root, list.children[index] || null);
    });
    while (list.children.length > listed.length) list.removeChild(list.lastChild);
    if (!currentId) $('discussing-slot').replaceChildren();

    show(section, topics.length === 0 || listed.length > 0);
    show($('topics-empty'), topics.length === 0);
    show($('grouping-note'), phase === 'group');
    let heading = 'Topics';
    if (phase === 'group') heading = topics.length + ' ' + plural(topics.length, 'topic', 'topics') + ' so far';
    else if (phase === 'vote') heading = 'Where will your dots go?';
    else if (phase === 'discuss') heading = currentId ? 'Other topics, most voted first' : 'Topics, most voted first';
    else heading = 'What came up';
    setText($('topics-heading'), heading);
  }

  function buildTopicCard(topicId) {
    const kind = el('p', { class: 'topic-kind' });
    const votes = el('span', { 'data-testid': 'votes', text: '0' });
    const unit = el('span', { class: 'unit', text: ' dots' });
    const total = el('p', { class: 'total', hidden: true }, votes, unit);
    const discussed = el('span', { class: 'tag discussed-tag', 'data-testid': 'discussed-mark', text: 'Discussed', hidden: true });
    const title = el('h3', { class: 'topic-title', 'data-testid': 'topic-title' });
    const items = el('ul', { class: 'topic-items', hidden: true });
    const fill = el('span', { class: 'meter-fill' });
    const meter = el('span', { class: 'meter', 'aria-hidden': 'true', hidden: true }, fill);

    const vote = el('button', { type: 'button', class: 'round primary', 'data-testid': 'vote', text: '+' });
    const unvote = el('button', { type: 'button', class: 'round', 'data-testid': 'unvote', text: '−' });
    const myDots = el('span', { class: 'my-dots', 'data-testid': 'my-dots', text: '0' });
    const pipRow = el('span', { class: 'pips', 'aria-hidden': 'true' });
    vote.addEventListener('click', () => castVote(topicId, 'cast_vote'));
    unvote.addEventListener('click', () => castVote(topicId, 'retract_vote'));
    const voteRow = el(
      'div',
      { class: 'vote-row', hidden: true },
      el('div', { class: 'mine-dots' }, pipRow, el('span', { class: 'sr-only', text: 'Your dots on this: ' }), myDots),
      el('div', { class: 'vote-buttons' }, unvote, vote),
    );
    const capHint = el('p', { class: 'cap-hint', 'data-testid': 'cap-hint', hidden: true });
    const notes = el('ul', { class: 'notes', 'aria-label': 'Notes', hidden: true });
    const root = el(
      'li',
      { class: 'card topic', 'data-testid': 'topic', 'data-topic-id': topicId },
      el('div', { class: 'topic-head' }, kind, discussed, total),
      title,
      items,
      meter,
      voteRow,
      capHint,
      notes,
    );
    return { root, kind, votes, unit, total, discussed, title, items, meter, fill, vote, unvote, myDots, pips: pipRow, voteRow, capHint, notes };
  }

  function updateTopicCard(card, topic, ctx) {
    const id = topic.topic_id;
    const items = asArray(topic.items).filter(isObject);
    const grouped = topic.grouped === true;
    const titleText = str(topic.title);
    setText(card.title, titleText);
    setText(card.kind, grouped ? 'Group · ' + items.length + ' ' + plural(items.length, 'item', 'items') : promptText(items[0] && items[0].prompt_id));
    show(card.items, grouped && items.length > 0);
    replaceIfChanged(card.items, grouped ? JSON.stringify(items.map((it) => [it.item_id, it.text])) : '', () =>
      grouped ? items.map((it) => el('li', { class: 'topic-item', 'data-testid': 'topic-item', text: str(it.text) })) : [],
    );

    // Totals exist only once voting has closed.
    const hasTotal = typeof topic.votes === 'number';
    const votes = hasTotal ? topic.votes : 0;
    show(card.total, hasTotal);
    show(card.meter, hasTotal);
    setText(card.votes, String(votes));
    setText(card.unit, plural(votes, ' dot', ' dots'));
    card.fill.style.width = Math.round((votes / ctx.top) * 100) + '%';

    const current = id === ctx.currentId;
    const discussed = ctx.discussed.has(id) && !current;
    show(card.discussed, discussed && ctx.phase !== 'ended');
    card.root.classList.toggle('discussed', discussed && ctx.phase === 'discuss');
    card.root.classList.toggle('current', current);
    setAttr(card.root, 'aria-current', current ? 'true' : null);

    const notes = ctx.phase === 'group' || ctx.phase === 'vote' ? [] : ctx.notes.get(id) || [];
    show(card.notes, notes.length > 0);
    replaceIfChanged(card.notes, JSON.stringify(notes.map((n) => [n.note_id, n.text])), () =>
      notes.map((n) => el('li', { class: 'note', 'data-testid': 'note', text: str(n.text) })),
    );

    const voting = ctx.phase === 'vote';
    show(card.voteRow, voting);
    let capHint = '';
    if (voting) {
      const mine = myVotesOn(id, ctx.pending);
      const capacity = Math.min(ctx.cap, votesPerPerson() || ctx.cap);
      setText(card.myDots, String(mine));
      card.root.classList.toggle('voted', mine > 0);
      card.root.classList.toggle('pending', state.outbox.some((m) => m.command.topic_id === id));
      pips(card.pips, Math.min(mine, capacity), capacity <= 6 ? capacity : Math.min(mine, 20));
      const capped = mine >= ctx.cap;
      card.vote.disabled = ctx.left <= 0 || capped;
      card.unvote.disabled = mine <= 0;
      card.vote.setAttribute('aria-label', 'Add a dot to: ' + titleText);
      card.unvote.setAttribute('aria-label', 'Take a dot back from: ' + titleText);
      if (capped && ctx.cap < votesPerPerson()) capHint = 'That is the most one topic can take (' + ctx.cap + ').';
    } else {
      card.root.classList.remove('voted', 'pending');
    }
    setText(card.capHint, capHint);
    show(card.capHint, capHint !== '');
  }

  // ---- discuss: the topic under discussion, its timer on the server's clock

  function renderDiscussing(board) {
    const section = $('discussing');
    show(section, Boolean(board));
    if (!board) {
      setAttr(section, 'data-testid', null);
      return;
    }
    const currentId = currentTopicId(board);
    const known = topicList(board).some((t) => t.topic_id === currentId);
    setAttr(section, 'data-testid', currentId && known ? 'discussing' : null);
    show($('discussing-empty'), !(currentId && known));
    show($('timer'), Boolean(currentId));
  }

  let timerHandle = null;

  /** Seconds left on the discussion timer, against the server's clock; null when none runs. */
  function remainingMs() {
    const board = state.board;
    if (!board || board.phase !== 'discuss' || !isObject(board.discussion)) return null;
    const endsAt = Date.parse(str(board.discussion.ends_at));
    if (!Number.isFinite(endsAt)) return null;
    return endsAt - (Date.now() + state.clockOffset);
  }

  function tickTimer() {
    clearTimeout(timerHandle);
    timerHandle = null;
    const node = $('timer');
    const remaining = remainingMs();
    if (remaining === null) {
      setText(node, '');
      return;
    }
    if (remaining <= 0) {
      setText(node, "Time's up");
      node.classList.add('up');
      node.classList.remove('low');
      return;
    }
    const seconds = Math.ceil(remaining / 1000);
    const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
    const ss = String(seconds % 60).padStart(2, '0');
    setText(node, mm + ':' + ss);
    node.classList.remove('up');
    node.classList.toggle('low', seconds <= 60);
    setAttr(node, 'aria-label', Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s left');
    // Wake when the shown second changes.
    timerHandle = setTimeout(tickTimer, remaining - (seconds - 1) * 1000 + 15);
  }

  // ---- close: return on time invested

  let rotiButtons = null;

  function renderClose(board) {
    show($('close'), Boolean(board));
    if (!board) return;
    const summary = isObject(board.roti) ? board.roti : null;
    setText($('roti-question'), (summary && str(summary.text)) || ROTI.text);
    if (!rotiButtons) {
      rotiButtons = buildScale($('roti-scale'), ROTI.low, ROTI.high, 'roti-', (value) =>
        value + (value === ROTI.low ? ', ' + ROTI.lowLabel : value === ROTI.high ? ', ' + ROTI.highLabel : ''),
      answerRoti);
    }
    const sending = state.outbox.some((m) => m.command.kind === 'answer_roti');
    markChosen(rotiButtons, ROTI.low, myRoti(), sending);
    renderSummary($('roti-summary'), summary, 'Ratings');
  }

  function answerRoti(value) {
    if (!state.board || state.board.phase !== 'close') return;
    if (myRoti() === value) return;
    send({ kind: 'answer_roti', value });
    render();
  }

  // ---- private reflection: the three closing questions. Never sent, never stored.

  function renderReflection(board) {
    const questions = asArray(board.closing_questions).filter((q) => typeof q === 'string' && q);
    if (questions.length) state.closingQuestions = questions;
    // Shown in Close, and still after the end for anyone in the middle of writing.
    const visible = board.phase === 'close' || (board.phase === 'ended' && state.closingQuestions.length > 0);
    show($('reflect'), visible);
    if (!visible) return;
    const list = $('reflect-list');
    const signature = JSON.stringify(state.closingQuestions);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    list.replaceChildren(
      ...state.closingQuestions.map((question, index) => {
        const id = 'reflect-' + index;
        const area = el('textarea', {
          id,
          class: 'compose reflection',
          'data-testid': 'reflection',
          rows: 3,
          autocomplete: 'off',
          spellcheck: 'false',
          placeholder: 'A few words, for yourself',
        });
        area.value = state.reflections.get(question) || '';
        area.addEventListener('input', () => {
          state.reflections.set(question, area.value);
          if (autoGrow) {
            area.style.height = 'auto';
            area.style.height = area.scrollHeight + 2 + 'px';
          }
        });
        return el('div', { class: 'reflect-q' }, el('label', { class: 'reflect-label', for: id, text: question }), area);
      }),
    );
  }

  // ---- ended

  function renderEnded(board) {
    show($('ended'), Boolean(board));
    if (!board) return;
    const topics = topicList(board);
    const actions = asArray(board.actions).filter(isObject);
    const rows = [
      { term: 'Topics', value: String(topics.length) },
      { term: 'Actions', value: String(actions.length) },
    ];
    const roti = isObject(board.roti) ? board.roti : null;
    if (roti) {
      const answered = Number(roti.answered) || 0;
      rows.push(
        roti.shown
          ? { term: 'Worth the time', value: formatMean(roti.mean) + ' of 5', note: answered + ' answered', wide: true }
          : { term: 'Worth the time', value: answered + ' answered', note: 'Too few to show a score', wide: true },
      );
    }
    replaceIfChanged($('ended-totals'), JSON.stringify(rows), () =>
      rows.map((row) =>
        el(
          'div',
          { class: 'total-row' + (row.wide ? ' wide' : '') },
          el('dt', { text: row.term }),
          el('dd', { text: row.value }, row.note ? el('span', { class: 'total-note', text: row.note }) : null),
        ),
      ),
    );
  }

  // ---- actions, live from Discuss on

  function renderActions(board) {
    const phase = board.phase;
    const actions = asArray(board.actions).filter(isObject);
    const visible = ACTION_PHASES.has(phase) && (actions.length > 0 || phase === 'actions');
    show($('actions'), visible);
    if (!visible) return;
    show($('actions-empty'), actions.length === 0);
    setText($('actions-heading'), phase === 'ended' ? 'Our actions' : 'Actions');
    replaceIfChanged($('action-list'), JSON.stringify(actions.map((a) => [a.action_id, a.text, a.owner, a.due, a.topic_title])), () =>
      actions.map((action) =>
        el(
          'li',
          { class: 'action', 'data-testid': 'action' },
          el('p', { class: 'action-text', text: str(action.text) }),
          el('p', { class: 'action-meta', text: str(action.owner) + ' · due ' + formatDate(action.due) }),
          action.topic_title ? el('p', { class: 'action-topic', text: 'From: ' + str(action.topic_title) }) : null,
        ),
      ),
    );
  }

  // ---- not sent

  function renderUnsent(board) {
    const list = $('unsent-list');
    const inWrite = board.phase === 'write';
    const entries = [];
    if (!inWrite) {
      for (const [promptId, text] of Object.entries(state.drafts)) {
        if (typeof text === 'string' && text.trim()) entries.push({ kind: 'draft', promptId, text });
      }
    }
    state.rescued.forEach((r, index) => entries.push({ kind: 'rescued', promptId: r.prompt_id, text: r.text, index }));
    show($('unsent'), entries.length > 0);
    replaceIfChanged(list, JSON.stringify([inWrite, entries]), () =>
      entries.map((entry) => {
        const buttons = el('div', { class: 'unsent-buttons' });
        if (inWrite && entry.kind === 'rescued') {
          const putBack = el('button', { type: 'button', class: 'button quiet', text: 'Put back' });
          putBack.setAttribute('aria-label', 'Put back to edit: ' + entry.text);
          putBack.addEventListener('click', () => putBackRescued(entry.index));
          buttons.appendChild(putBack);
        }
        const discard = el('button', { type: 'button', class: 'button quiet', text: 'Discard' });
        discard.setAttribute('aria-label', 'Discard: ' + entry.text);
        discard.addEventListener('click', () => {
          if (entry.kind === 'draft') {
            state.drafts[entry.promptId] = '';
            saveDrafts();
          } else {
            state.rescued.splice(entry.index, 1);
            saveRescued();
          }
          render();
        });
        buttons.appendChild(discard);
        return el(
          'li',
          { class: 'card unsent-item' },
          el('p', { class: 'item-prompt', text: promptText(entry.promptId) }),
          el('p', { class: 'item-text selectable', text: entry.text }),
          buttons,
        );
      }),
    );
  }

  function putBackRescued(index) {
    const entry = state.rescued[index];
    const card = entry && promptCards.get(entry.prompt_id);
    if (!card) return;
    const current = card.textarea.value.trim();
    const combined = current ? current + '\n' + entry.text : entry.text;
    if (combined.length > MAX_ITEM_CHARS) {
      showError('That box already has text in it. Add or clear it first, then put this back.');
      return;
    }
    card.textarea.value = combined;
    state.drafts[entry.prompt_id] = combined;
    saveDrafts();
    state.rescued.splice(index, 1);
    saveRescued();
    updateComposer(card);
    card.textarea.focus();
    render();
  }

  // ---------------------------------------------------------------- start

  renderStatus();
  if (!window.WebSocket || !TOKEN) {
    showError('This browser cannot join the retro. Try another browser on your phone.');
    return;
  }
  loadBlameRules();
  connect();
})();
