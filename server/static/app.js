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

  const SECRET = participantSecret();
  const state = {
    board: null,
    priv: null,
    /** @type {{item_id: string|null, secret: string, prompt_id: string, text: string, msg_id: string, acked: boolean}[]} */
    items: asArray(load('items', [])).filter((it) => isObject(it) && typeof it.msg_id === 'string'),
    /** @type {{id: string, command: object}[]} */
    outbox: asArray(load('outbox', [])).filter((m) => isObject(m) && typeof m.id === 'string' && isObject(m.command)),
    /** Text typed into a prompt's box but not yet added, by prompt_id. */
    drafts: isObject(load('drafts', {})) ? load('drafts', {}) : {},
    /** Items the server refused, kept so nothing typed is lost. */
    rescued: asArray(load('rescued', [])).filter((r) => isObject(r) && typeof r.text === 'string'),
    /** Votes acked but not yet reflected in a `private` message. */
    settling: [],
    /** Ids sent on this connection and not yet answered, oldest first. The server answers each
     * command exactly once and in order, so an error without an id belongs to the oldest. */
    inflight: [],
    ready: false,
    everReady: false,
    lastPhase: null,
  };

  const saveItems = () => save('items', state.items);
  const saveOutbox = () => save('outbox', state.outbox);
  const saveDrafts = () => save('drafts', state.drafts);
  const saveRescued = () => save('rescued', state.rescued);

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

  const plural = (n, one, many) => (n === 1 ? one : many);

  function pips(node, filled, total) {
    const wanted = [];
    for (let i = 0; i < total; i++) wanted.push(i < filled);
    const existing = node.children;
    while (existing.length > total) node.removeChild(node.lastChild);
    for (let i = 0; i < total; i++) {
      let pip = existing[i];
      if (!pip) {
        pip = el('span', { class: 'pip' });
        node.appendChild(pip);
      }
      pip.classList.toggle('on', wanted[i]);
    }
  }

  // ---------------------------------------------------------------- the websocket

  let socket = null;
  let retryDelay = RETRY_MIN_MS;
  let retryTimer = null;
  let connectTimer = null;
  let hiddenSince = 0;
  let resendTimer = null;

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
    state.inflight = [];
    clearTimeout(connectTimer);
    connectTimer = setTimeout(() => {
      if (socket === ws && ws.readyState !== WebSocket.OPEN) dropSocket();
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      if (socket !== ws) return;
      clearTimeout(connectTimer);
      ws.send(JSON.stringify({ type: 'hello', id: newMessageId(), protocol: PROTOCOL, secret: SECRET }));
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

  function dropSocket() {
    const old = socket;
    socket = null;
    state.ready = false;
    if (old) {
      old.onopen = old.onmessage = old.onclose = null;
      try {
        old.close();
      } catch (_) {
        // Already closing.
      }
    }
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
    const old = socket;
    socket = null;
    state.ready = false;
    if (old) {
      old.onopen = old.onmessage = old.onclose = null;
      try {
        old.close();
      } catch (_) {
        // Already closing.
      }
    }
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
      state.inflight.push(message.id);
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

  function answered(id) {
    const index = state.inflight.indexOf(id);
    if (index >= 0) state.inflight.splice(index, 1);
  }

  function onAck(ack) {
    answered(ack.id);
    const message = takeFromOutbox(ack.id);
    if (!message) return;
    const command = message.command;
    if (command.kind === 'add_item') {
      const item = state.items.find((it) => it.msg_id === ack.id);
      if (item) {
        if (ack.item_id) {
          item.item_id = ack.item_id;
          item.acked = true;
        } else {
          // A repeat of an add whose item has since gone: nothing left to show.
          state.items = state.items.filter((it) => it !== item);
        }
        saveItems();
      }
    } else if (command.kind === 'withdraw_item') {
      state.items = state.items.filter((it) => it.item_id !== command.item_id);
      saveItems();
    } else if ((command.kind === 'cast_vote' || command.kind === 'retract_vote') && !ack.duplicate) {
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
    // A refusal carries the message's id whenever the server could read one; one that could not
    // (the frame was not JSON at all) answers the oldest message still waiting on this connection.
    const id = error.id || (state.ready && state.inflight.length ? state.inflight[0] : null);
    if (id) answered(id);
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

  // ---------------------------------------------------------------- derived numbers

  function pendingVotes() {
    const delta = new Map();
    let total = 0;
    const count = (command) => {
      const step = command.kind === 'cast_vote' ? 1 : command.kind === 'retract_vote' ? -1 : 0;
      if (!step) return;
      delta.set(command.item_id, (delta.get(command.item_id) || 0) + step);
      total += step;
    };
    for (const message of state.outbox) count(message.command);
    for (const entry of state.settling) count(entry.command);
    return { delta, total };
  }

  function votesPerPerson() {
    return Math.max(0, Number(state.board && state.board.votes_per_person) || 0);
  }

  function myVotesOn(itemId, pending) {
    const confirmed = (state.priv && isObject(state.priv.my_votes) && state.priv.my_votes[itemId]) || 0;
    return Math.max(0, confirmed + (pending.delta.get(itemId) || 0));
  }

  function dotsLeft(pending) {
    const budget = votesPerPerson();
    const confirmed = state.priv && Number.isFinite(state.priv.dots_left) ? state.priv.dots_left : budget;
    return Math.min(budget, Math.max(0, confirmed - pending.total));
  }

  function promptText(promptId) {
    const prompts = asArray(state.board && state.board.prompts);
    const prompt = prompts.find((p) => p.prompt_id === promptId);
    return prompt ? prompt.text : '';
  }

  // ---------------------------------------------------------------- rendering

  function render() {
    renderStatus();
    const board = state.board;
    if (!board) return;
    document.body.dataset.phase = board.phase;
    renderHeader(board);
    renderSteps(board);
    const phase = board.phase;
    renderWrite(phase === 'write' ? board : null);
    renderVote(phase === 'vote' ? board : null);
    renderResults(phase === 'actions' || phase === 'closed' ? board : null);
    renderActions(board);
    renderUnsent(board);
    if (state.lastPhase !== null && state.lastPhase !== phase) {
      announce('Now: ' + (board.phase_label || phase) + '. ' + (board.instruction || ''));
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
    const title = typeof board.title === 'string' && board.title ? board.title : 'Retro';
    setText($('title'), title);
    document.title = title + ' · Retro';
    setText($('team'), typeof board.team === 'string' && board.team ? board.team : 'Retro');
    setText($('instruction'), board.instruction || '');
  }

  function renderSteps(board) {
    const list = $('steps');
    const steps = asArray(board.steps);
    const currentIndex = steps.findIndex((s) => s.phase === board.phase);
    while (list.children.length > steps.length) list.removeChild(list.lastChild);
    steps.forEach((step, index) => {
      let li = list.children[index];
      if (!li) {
        li = el('li', { class: 'step' });
        list.appendChild(li);
      }
      setText(li, step.label || step.phase);
      const current = index === currentIndex;
      li.classList.toggle('done', index < currentIndex);
      li.classList.toggle('current', current);
      li.dataset.phase = step.phase;
      if (current) {
        li.setAttribute('aria-current', 'step');
        li.setAttribute('data-testid', 'phase');
      } else {
        li.removeAttribute('aria-current');
        li.removeAttribute('data-testid');
      }
    });
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
    add.setAttribute('aria-label', 'Add to: ' + prompt.text);
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
        el('h2', { class: 'prompt-title' }, el('label', { for: textareaId, id: labelId, text: prompt.text })),
        featured ? el('span', { class: 'tag', text: 'Start here' }) : null,
      ),
      prompt.hint ? el('p', { class: 'hint', id: hintId, text: prompt.hint }) : null,
      textarea,
      el('div', { class: 'compose-row' }, count, counter, add),
      mine,
    );
    const card = { section, textarea, add, counter, count, mine, mineList };
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

  function updateComposer(card) {
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
    const item = { item_id: null, secret, prompt_id: promptId, text, msg_id: '', acked: false };
    // The item is saved before the message leaves, so an ack can always find it.
    item.msg_id = newMessageId();
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
      const stateNode = li.querySelector('.mine-state');
      setText(stateNode, label);
      li.classList.toggle('pending', !item.acked || Boolean(withdrawing));
      const button = li.querySelector('button');
      button.disabled = !item.acked || !item.item_id || Boolean(withdrawing);
    });
  }

  function withdrawItem(msgId) {
    const item = state.items.find((it) => it.msg_id === msgId);
    if (!item || !item.item_id) return;
    if (state.outbox.some((m) => m.command.kind === 'withdraw_item' && m.command.item_id === item.item_id)) return;
    send({ kind: 'withdraw_item', item_id: item.item_id, item_secret: item.secret });
    render();
  }

  // ---- vote

  const voteCards = new Map();

  function renderVote(board) {
    const section = $('vote');
    const bar = $('dotsbar');
    const list = $('vote-list');
    if (!board) {
      if (voteCards.size) {
        voteCards.clear();
        list.replaceChildren();
      }
      show(section, false);
      show(bar, false);
      return;
    }
    show(section, true);
    show(bar, true);
    const pending = pendingVotes();
    const budget = votesPerPerson();
    const left = dotsLeft(pending);
    setText($('dots-left'), left + ' of ' + budget + ' dots left');
    pips($('dots-pips'), left, Math.min(budget, 20));
    show($('dots-hint'), budget > 0 && left === 0);
    $('dotsbar').classList.toggle('spent', left === 0);

    const items = asArray(board.items).filter((it) => isObject(it) && typeof it.item_id === 'string');
    show($('vote-empty'), items.length === 0);
    const perItem = Math.max(1, Number(board.max_votes_per_item) || budget || 1);
    const capacity = Math.min(perItem, budget || perItem);
    reconcile(list, voteCards, items, buildVoteCard);
    for (const item of items) {
      const card = voteCards.get(item.item_id);
      setText(card.text, item.text);
      setText(card.prompt, promptText(item.prompt_id));
      const mine = myVotesOn(item.item_id, pending);
      setText(card.myDots, String(mine));
      card.root.classList.toggle('voted', mine > 0);
      card.root.classList.toggle('pending', state.outbox.some((m) => m.command.item_id === item.item_id));
      pips(card.pips, Math.min(mine, capacity), capacity <= 6 ? capacity : Math.min(mine, 20));
      card.vote.disabled = left <= 0 || mine >= perItem;
      card.unvote.disabled = mine <= 0;
      card.vote.setAttribute('aria-label', 'Add a dot to: ' + item.text);
      card.unvote.setAttribute('aria-label', 'Take a dot back from: ' + item.text);
    }
  }

  function buildVoteCard(item) {
    const vote = el('button', { type: 'button', class: 'round primary', 'data-testid': 'vote', text: '+' });
    const unvote = el('button', { type: 'button', class: 'round', 'data-testid': 'unvote', text: '−' });
    const text = el('p', { class: 'item-text', 'data-testid': 'item-text' });
    const prompt = el('p', { class: 'item-prompt' });
    const myDots = el('span', { class: 'my-dots', 'data-testid': 'my-dots', text: '0' });
    const pipRow = el('span', { class: 'pips', 'aria-hidden': 'true' });
    vote.addEventListener('click', () => castVote(item.item_id, 'cast_vote'));
    unvote.addEventListener('click', () => castVote(item.item_id, 'retract_vote'));
    const root = el(
      'li',
      { class: 'card item', 'data-testid': 'item', 'data-item-id': item.item_id },
      prompt,
      text,
      el(
        'div',
        { class: 'vote-row' },
        el('div', { class: 'mine-dots' }, pipRow, el('span', { class: 'sr-only', text: 'Your dots on this: ' }), myDots),
        el('div', { class: 'vote-buttons' }, unvote, vote),
      ),
    );
    return { root, vote, unvote, text, prompt, myDots, pips: pipRow };
  }

  function castVote(itemId, kind) {
    const board = state.board;
    if (!board || board.phase !== 'vote') return;
    const pending = pendingVotes();
    const mine = myVotesOn(itemId, pending);
    if (kind === 'cast_vote' && (dotsLeft(pending) <= 0 || mine >= (Number(board.max_votes_per_item) || Infinity))) return;
    if (kind === 'retract_vote' && mine <= 0) return;
    send({ kind, item_id: itemId });
    render();
  }

  /** Keep one element per item, in the board's order, moving nodes only when the order changed. */
  function reconcile(list, cards, items, build) {
    const wanted = new Set(items.map((it) => it.item_id));
    for (const [id, card] of cards) {
      if (!wanted.has(id)) {
        card.root.remove();
        cards.delete(id);
      }
    }
    items.forEach((item, index) => {
      let card = cards.get(item.item_id);
      if (!card) {
        card = build(item);
        cards.set(item.item_id, card);
      }
      if (list.children[index] !== card.root) list.insertBefore(card.root, list.children[index] || null);
    });
  }

  // ---- results (voting closed)

  const resultCards = new Map();

  function renderResults(board) {
    const section = $('results');
    const list = $('result-list');
    if (!board) {
      if (resultCards.size) {
        resultCards.clear();
        list.replaceChildren();
      }
      show(section, false);
      return;
    }
    show(section, true);
    const items = asArray(board.items).filter((it) => isObject(it) && typeof it.item_id === 'string');
    show($('results-empty'), items.length === 0);
    const top = Math.max(1, ...items.map((it) => Number(it.votes) || 0));
    reconcile(list, resultCards, items, buildResultCard);
    for (const item of items) {
      const card = resultCards.get(item.item_id);
      const votes = Number(item.votes) || 0;
      setText(card.text, item.text);
      setText(card.prompt, promptText(item.prompt_id));
      const closed = board.voting_closed === true && item.votes !== null && item.votes !== undefined;
      show(card.total, closed);
      show(card.meter, closed);
      setText(card.votes, String(votes));
      setText(card.unit, plural(votes, ' dot', ' dots'));
      card.fill.style.width = Math.round((votes / top) * 100) + '%';
    }
  }

  function buildResultCard(item) {
    const votes = el('span', { 'data-testid': 'votes', text: '0' });
    const unit = el('span', { class: 'unit', text: ' dots' });
    const total = el('p', { class: 'total' }, votes, unit);
    const fill = el('span', { class: 'meter-fill' });
    const meter = el('span', { class: 'meter', 'aria-hidden': 'true' }, fill);
    const text = el('p', { class: 'item-text', 'data-testid': 'item-text' });
    const prompt = el('p', { class: 'item-prompt' });
    const root = el(
      'li',
      { class: 'card item result', 'data-testid': 'item', 'data-item-id': item.item_id },
      el('div', { class: 'item-head' }, prompt, total),
      text,
      meter,
    );
    return { root, text, prompt, total, votes, unit, meter, fill };
  }

  // ---- actions

  function renderActions(board) {
    const section = $('actions');
    const list = $('action-list');
    const actions = asArray(board.actions).filter(isObject);
    const phase = board.phase;
    const visible = actions.length > 0 || phase === 'actions' || phase === 'closed';
    show(section, visible);
    show($('actions-empty'), actions.length === 0);
    const signature = JSON.stringify(actions.map((a) => [a.action_id, a.text, a.owner, a.due]));
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    list.replaceChildren(
      ...actions.map((action) =>
        el(
          'li',
          { class: 'action', 'data-testid': 'action' },
          el('p', { class: 'action-text', text: action.text || '' }),
          el('p', { class: 'action-meta', text: (action.owner || '') + ' · due ' + (action.due || '') }),
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
    const signature = JSON.stringify([inWrite, entries]);
    if (list.dataset.signature === signature) return;
    list.dataset.signature = signature;
    list.replaceChildren(
      ...entries.map((entry) => {
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
  connect();
})();
