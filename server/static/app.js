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

  /** Refused on hello (locked joining, a replaced link): try again only this often, or when the phone wakes. */
  const GATED_RETRY_MS = 15000;
  /** How often this phone may check that its join link still works (see probeLink): a few at once, then one per 30 s. */
  const PROBE_BURST = 3;
  const PROBE_REFILL_MS = 30000;
  const PROBE_JITTER_MS = 1500;
  const SEALED_BYTES = 512;
  const MAX_CLAIM_NAME_CHARS = 60;

  const tokenOf = (path) => String(path).split('/').filter(Boolean).pop() || '';
  const isToken = (token) => /^[A-Za-z0-9_-]{8,128}$/.test(token);
  // The join token can change while the page is open: the facilitator may replace the link, and phones
  // already in move to the new one (adoptJoinPath).
  let TOKEN = tokenOf(location.pathname);
  let KEY = 'retro:' + TOKEN + ':';
  const wsUrl = () => (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws/' + TOKEN;

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
    /** Text typed into a held item's rewrite box, by item_id. */
    rewriteDrafts: isObject(load('rewrites', {})) ? load('rewrites', {}) : {},
    /** This phone's own items that the facilitator has held, with the reason: opened from the board's sealed notices. */
    held: new Map(),
    /** Held items whose rewrite box is open, by item_id. */
    editing: new Set(),
    /** Claims acked but not yet on the board, by item_id, so the button does not flash back. */
    claimedHere: new Set(),
    /** 'locked' or 'expired' when the server turned this phone away at the door; null otherwise. */
    gate: null,
    /** The page's own address answered 404: the link has been replaced (see probeLink). */
    linkGone: false,
    /** The retro ended here and its link no longer lets this phone in (the host has moved on): the ended
     * page stays as it is, reflections included, and the page stops knocking. */
    linkClosed: false,
    /** Connections closed before a welcome since the last welcome. */
    failedConnects: 0,
    ready: false,
    everReady: false,
    lastPhase: null,
  };

  const saveItems = () => save('items', state.items);
  const saveOutbox = () => save('outbox', state.outbox);
  const saveDrafts = () => save('drafts', state.drafts);
  const saveRescued = () => save('rescued', state.rescued);
  const saveRewrites = () => save('rewrites', state.rewriteDrafts);
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

  // ---------------------------------------------------------------- a replaced join link
  // The welcome carries the page's current address. When the facilitator has replaced the link, a phone
  // already in moves everything it keeps (its secret, its items and their secrets, the outbox, drafts) over
  // to the new token and takes the new address, so that a reload still finds the retro.

  function storedKeys(prefix) {
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key !== null && key.startsWith(prefix)) keys.push(key);
      }
    } catch (_) {
      // No storage: everything is in memory and moves with the page.
    }
    return keys;
  }

  /** Ours first, then whatever another tab already kept under the new token: merged, never dropped. */
  function mergeById(ours, theirs, id) {
    const seen = new Set(ours.map((entry) => entry[id]));
    const more = asArray(theirs).filter((entry) => isObject(entry) && typeof entry[id] === 'string' && !seen.has(entry[id]));
    return ours.concat(more);
  }

  function mergeText(ours, theirs) {
    const merged = Object.assign({}, ours);
    if (isObject(theirs)) {
      for (const [name, text] of Object.entries(theirs)) {
        if (typeof text === 'string' && text.trim() && !(typeof merged[name] === 'string' && merged[name].trim())) merged[name] = text;
      }
    }
    return merged;
  }

  function adoptJoinPath(joinPath) {
    const path = str(joinPath);
    const token = tokenOf(path);
    if (!path.startsWith('/') || !isToken(token) || token === TOKEN) return;
    const oldKey = KEY;
    const leftovers = storedKeys(oldKey);
    TOKEN = token;
    KEY = 'retro:' + token + ':';
    state.items = mergeById(state.items, load('items', []), 'msg_id');
    state.outbox = mergeById(state.outbox, load('outbox', []), 'id');
    state.drafts = mergeText(state.drafts, load('drafts', {}));
    state.rewriteDrafts = mergeText(state.rewriteDrafts, load('rewrites', {}));
    const rescuedHere = new Set(state.rescued.map((r) => r.prompt_id + '\n' + r.text));
    for (const r of asArray(load('rescued', []))) {
      if (isObject(r) && typeof r.text === 'string' && !rescuedHere.has(str(r.prompt_id) + '\n' + r.text)) state.rescued.push(r);
    }
    state.wrote = state.wrote || load('wrote', false) === true;
    let kept = true;
    try {
      localStorage.setItem(KEY + 'secret', SECRET);
      for (const key of leftovers) {
        const name = key.slice(oldKey.length);
        if (localStorage.getItem(KEY + name) === null) localStorage.setItem(KEY + name, localStorage.getItem(key) || '');
      }
    } catch (_) {
      kept = false;
    }
    saveItems();
    saveOutbox();
    saveDrafts();
    saveRewrites();
    saveRescued();
    if (state.wrote) save('wrote', true);
    // The old copies go only once the new ones are safely written; until then they are harmless.
    if (kept) {
      try {
        if (localStorage.getItem(KEY + 'items') === JSON.stringify(state.items)) {
          for (const key of leftovers) localStorage.removeItem(key);
        }
      } catch (_) {
        // Left in place.
      }
    }
    const here = location.pathname;
    const moved = here.replace(/[^/]*\/?$/, token);
    try {
      history.replaceState(history.state, '', moved + location.search + location.hash);
    } catch (_) {
      // The address bar keeps the old link; the page still talks to the new one.
    }
  }

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

  /** Someone's words inside a sentence of ours: isolated, so Arabic or Hebrew keeps its own direction. */
  const userText = (text) => el('bdi', { text: str(text) });

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

  const endedHere = () => Boolean(state.board) && state.board.phase === 'ended';

  /** Turned away after the end: nothing more will come, and nothing of the ended page may go. */
  function closeLink() {
    state.linkClosed = true;
    state.gate = null;
    clearTimeout(retryTimer);
    retryTimer = null;
    closeQuietly(socket);
    socket = null;
    state.ready = false;
    render();
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (state.linkClosed) return;
    if (socket && (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN)) return;
    let ws;
    try {
      ws = new WebSocket(wsUrl());
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
      // Turned away without a word, after this page's own address stopped answering: the link is gone.
      if (!state.ready && state.linkGone && endedHere()) {
        closeLink();
        return;
      }
      if (!state.ready && state.linkGone && !state.gate) state.gate = 'expired';
      // Closed before any welcome, again and again: is this page's address still there at all?
      if (!state.ready && !state.gate) {
        state.failedConnects += 1;
        if (state.failedConnects % 3 === 0) probeLinkSoon(true);
      }
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
    if (retryTimer || state.linkClosed) return;
    // Turned away at the door: knocking again soon would not help, so only now and then, or on waking.
    const delay = state.gate ? GATED_RETRY_MS : retryDelay;
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

  // ---------------------------------------------------------------- is this page's address still the link?
  // Every welcome and board carries the page's current address, so a phone already in follows a replaced
  // link at once. A phone whose websocket is turned away again and again before any welcome checks, now and
  // then, whether its page's address still answers at all; if it does not, the link is gone for good.

  const probe = { timer: null, tokens: PROBE_BURST, refilledAt: Date.now() };

  function refillProbes(now) {
    const earned = Math.floor((now - probe.refilledAt) / PROBE_REFILL_MS);
    if (earned <= 0) return;
    probe.tokens = Math.min(PROBE_BURST, probe.tokens + earned);
    probe.refilledAt = probe.tokens === PROBE_BURST ? now : probe.refilledAt + earned * PROBE_REFILL_MS;
  }

  function probeLinkSoon(unwelcomed) {
    if (probe.timer || !(state.ready || unwelcomed)) return;
    const now = Date.now();
    refillProbes(now);
    const wait = probe.tokens >= 1 ? 0 : probe.refilledAt + PROBE_REFILL_MS - now;
    // Spread out, so that phones sharing a board do not all ask at the same instant.
    probe.timer = setTimeout(probeLink, wait + Math.random() * PROBE_JITTER_MS);
  }

  function probeLink() {
    probe.timer = null;
    refillProbes(Date.now());
    probe.tokens = Math.max(0, probe.tokens - 1);
    const path = location.pathname;
    fetch(path, { cache: 'no-store', credentials: 'same-origin', redirect: 'error' })
      // The body is read to its end (a few KB), so that the request completes rather than lingers.
      .then((response) => response.arrayBuffer().then(() => response.status))
      .then((status) => {
        if (status !== 404 || location.pathname !== path) return;
        state.linkGone = true;
        if (endedHere() && !state.ready) closeLink();
        else if (state.ready) freshConnection();
      })
      .catch(() => {
        // Offline for a moment: the websocket notices that on its own.
      });
  }

  // ---------------------------------------------------------------- server messages

  function receive(message) {
    switch (message.type) {
      case 'welcome':
        adoptJoinPath(message.join_path);
        state.ready = true;
        state.everReady = true;
        state.gate = null;
        state.linkGone = false;
        state.failedConnects = 0;
        retryDelay = RETRY_MIN_MS;
        renderStatus();
        flushOutbox();
        break;
      case 'board':
        if (isObject(message.board)) {
          const serverTime = Date.parse(str(message.server_time));
          if (Number.isFinite(serverTime)) state.clockOffset = serverTime - Date.now();
          adoptJoinPath(message.join_path);
          state.board = message.board;
          openHeldNotices(str(message.notice_nonce), asArray(message.held_notices));
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
      forgetRewrite(command.item_id);
    } else if (command.kind === 'rewrite_item') {
      const item = state.items.find((it) => it.item_id === command.item_id);
      if (item) {
        item.text = command.text;
        saveItems();
      }
      // No longer held; the next board says so too (and would say if it were held again).
      state.held.delete(command.item_id);
      forgetRewrite(command.item_id);
      announce('Your rewrite is in. It will be shown at the reveal.');
    } else if (command.kind === 'claim_item') {
      state.claimedHere.add(command.item_id);
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
    if (!state.ready && (error.code === 'joining_locked' || error.code === 'expired_link')) {
      // Turned away at the door; the server closes the socket next. A calm page, not an error; and after
      // the end, the ended page itself.
      if (endedHere()) {
        closeLink();
        return;
      }
      state.gate = error.code === 'joining_locked' ? 'locked' : 'expired';
      renderStatus();
      return;
    }
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
      } else if (command.kind === 'rewrite_item') {
        // The rewrite stays in its box to try again, or goes to "Not sent" once writing has closed.
        const item = state.items.find((it) => it.item_id === command.item_id);
        const inWrite = state.board && state.board.phase === 'write';
        if (item && inWrite && state.held.has(command.item_id)) {
          state.rewriteDrafts[command.item_id] = command.text;
          saveRewrites();
          state.editing.add(command.item_id);
        } else {
          forgetRewrite(command.item_id);
          state.rescued.push({ prompt_id: item ? item.prompt_id : '', text: command.text });
          saveRescued();
        }
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
    renderHeldBanner(phase === 'write');
    renderDots(phase === 'vote' ? board : null);
    renderDiscussing(phase === 'discuss' ? board : null);
    renderTopics(TOPIC_PHASES.has(phase) ? board : null);
    renderClose(phase === 'close' ? board : null);
    renderReflection(board);
    renderActions(board);
    renderUnsent(board);
    show($('lock-note'), board.joining_locked === true);
    if (claimTarget && phase !== 'discuss') closeClaim();
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
    } else if (state.linkClosed) {
      label = 'Ended';
      key = 'ended';
    } else if (state.everReady) {
      label = 'Reconnecting…';
      key = 'reconnecting';
    } else {
      label = 'Connecting…';
      key = 'connecting';
    }
    setText(node, label);
    node.dataset.state = key;
    renderGate();
  }

  /** Turned away at the door: a calm full page instead of the retro, until the server lets this phone in. */
  function renderGate() {
    const gate = state.gate;
    const body = document.body;
    if ((body.dataset.gate || '') !== (gate || '')) {
      if (gate) body.dataset.gate = gate;
      else delete body.dataset.gate;
      if (gate) window.scrollTo(0, 0);
    }
    show($('gate-locked'), gate === 'locked');
    show($('gate-expired'), gate === 'expired');
    // One main landmark at a time: the gate's while it shows, else the retro's.
    show($('main'), !gate);
    const retry = $('gate-retry');
    const checking = gate === 'locked' && socket !== null;
    retry.disabled = checking;
    setText(retry, checking ? 'Checking…' : 'Try again');
  }

  $('gate-retry').addEventListener('click', () => {
    clearTimeout(retryTimer);
    retryTimer = null;
    connect();
    renderStatus();
  });

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
          el('p', { class: 'review-text', dir: 'auto', text: str(item.text) }),
          el('p', { class: 'meta' }, userText(item.owner), ' · due ' + formatDate(item.due)),
          from ? el('p', { class: 'meta from' }, 'From ', userText(from)) : null,
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
      el('h2', { class: 'question-text', id: headingId, dir: 'auto', text: str(q.text) }),
      scale,
      q.low_label || q.high_label
        ? el(
            'div',
            { class: 'scale-labels', 'aria-hidden': 'true' },
            el('span', null, ...(q.low_label ? [low + ' · ', userText(q.low_label)] : [])),
            el('span', null, ...(q.high_label ? [high + ' · ', userText(q.high_label)] : [])),
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
        mineRows.clear();
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

  // ---- the held-item banner: the notice inside an item's card is easy to miss from elsewhere on the page,
  // so while any of this phone's items is held, a banner stays at the top and takes the author to it.

  let heldBannerNext = 0;

  const heldRowsShown = () => Array.from(document.querySelectorAll('#write .mine-item[data-held="true"]'));

  function renderHeldBanner(inWrite) {
    const count = inWrite ? heldRowsShown().length : 0;
    show($('held-banner'), count > 0);
    if (count === 0) return;
    const which = count === 1 ? 'one of your items' : count + ' of your items';
    setText($('held-banner-text'), 'The facilitator has held ' + which + '. Only you see this.');
    setText($('held-banner-show'), count === 1 ? 'Show it' : 'Show the next');
  }

  $('held-banner-show').addEventListener('click', () => {
    const rows = heldRowsShown();
    if (!rows.length) return;
    const row = rows[heldBannerNext++ % rows.length];
    const target = row.querySelector('[data-testid="rewrite"]:not([hidden])') || row;
    if (target === row) row.setAttribute('tabindex', '-1');
    const still = window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches;
    row.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
    target.focus({ preventScroll: true });
  });

  function buildPromptCard(prompt, featured) {
    const id = prompt.prompt_id;
    const textareaId = 'text-' + id;
    const hintId = 'hint-' + id;
    const counterId = 'counter-' + id;
    const tooLongId = 'too-long-' + id;
    const labelId = 'label-' + id;
    const textarea = el('textarea', {
      id: textareaId,
      class: 'compose',
      'data-testid': 'text-' + id,
      dir: 'auto',
      rows: 3,
      placeholder: 'One thought per item',
      'aria-describedby': (prompt.hint ? hintId + ' ' : '') + counterId + ' ' + tooLongId,
      autocomplete: 'off',
      enterkeyhint: 'enter',
    });
    textarea.value = typeof state.drafts[id] === 'string' ? state.drafts[id] : '';
    const add = el('button', { type: 'button', class: 'button primary', 'data-testid': 'add-' + id, text: 'Add' });
    add.setAttribute('aria-label', 'Add to: ' + str(prompt.text));
    const counter = el('span', { class: 'counter', id: counterId, 'aria-live': 'polite' });
    const tooLong = el('p', { class: 'too-long', id: tooLongId, 'data-testid': 'too-long', hidden: true });
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
        el('h2', { class: 'prompt-title' }, el('label', { for: textareaId, id: labelId, dir: 'auto', text: str(prompt.text) })),
        featured ? el('span', { class: 'tag', text: 'Start here' }) : null,
      ),
      prompt.hint ? el('p', { class: 'hint', id: hintId, dir: 'auto', text: str(prompt.hint) }) : null,
      textarea,
      tooLong,
      el('div', { class: 'compose-row' }, count, counter, add),
      mine,
    );
    const nudge = el('p', { class: 'nudge', 'data-testid': 'nudge', 'aria-live': 'polite', hidden: true });
    section.insertBefore(nudge, section.querySelector('.compose-row'));
    const card = { section, textarea, add, counter, tooLong, count, mine, mineList, nudge };
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

  /** Characters as the server counts them (code points), in the text as it will be sent. */
  const charCount = (text) => Array.from(text.trim()).length;

  /** A live count near the limit and, past it, a plain message. Long text is never cut, and never sent as it is. */
  function showLength(textarea, counter, tooLong, buttonRow) {
    const length = charCount(textarea.value);
    const left = MAX_ITEM_CHARS - length;
    const over = left < 0;
    // Short on screen ("720 too many"), whole when read out ("720 characters too many").
    const counted = (n, tail) => [String(n), el('span', { class: 'sr-only', text: ' ' + plural(n, 'character', 'characters') }), tail];
    const near = length >= MAX_ITEM_CHARS - 60;
    replaceIfChanged(counter, over ? 'over ' + -left : near ? 'left ' + left : '', () =>
      over ? counted(-left, ' too many') : near ? [left + ' ' + plural(left, 'character', 'characters') + ' left'] : [],
    );
    counter.classList.toggle('low', left <= 20);
    counter.classList.toggle('over', over);
    const message = over
      ? 'Longer than ' + MAX_ITEM_CHARS + ' characters: shorten it by ' + -left + ' to add it. Nothing has been cut.'
      : '';
    const news = over && tooLong.hidden;
    setText(tooLong, message);
    show(tooLong, over);
    setAttr(textarea, 'aria-invalid', over ? 'true' : null);
    // A long paste fills the box and pushes the message and the buttons under it out of sight: bring them
    // into view, once, after the browser has scrolled to the caret.
    if (news && document.activeElement === textarea) {
      requestAnimationFrame(() => buttonRow.scrollIntoView({ block: 'nearest' }));
    }
    return over;
  }

  function updateComposer(card) {
    updateNudge(card);
    const over = showLength(card.textarea, card.counter, card.tooLong, card.add.parentNode);
    card.add.disabled = card.textarea.value.trim() === '' || over;
    if (autoGrow) {
      card.textarea.style.height = 'auto';
      card.textarea.style.height = card.textarea.scrollHeight + 2 + 'px';
    }
  }

  function addItem(promptId, card) {
    const text = card.textarea.value.trim();
    if (!text || charCount(text) > MAX_ITEM_CHARS) {
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

  // ---- held items: the facilitator screens items before the reveal, and only the author's phone learns
  // which of its items was held, and why. Every board carries sealed notices among decoys, under a fresh
  // nonce; this phone opens the ones keyed by its own items' owner hashes (mirrors retro/screening.py).

  const ownerHashes = new Map();

  function ownerHashOf(secret) {
    let hash = ownerHashes.get(secret);
    if (!hash) {
      hash = sha256Hex(secret);
      ownerHashes.set(secret, hash);
    }
    return hash;
  }

  function hexToBytes(hex) {
    if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) return null;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }

  /** The reason sealed under this key: XOR with sha256("pad:" + key + ":" + i) for i = 0..15, zero bytes dropped. */
  function unsealReason(key, sealedHex) {
    const sealed = hexToBytes(sealedHex);
    if (!sealed) return '';
    const raw = new Uint8Array(Math.min(sealed.length, SEALED_BYTES));
    for (let block = 0; block * 32 < raw.length; block++) {
      const pad = hexToBytes(sha256Hex('pad:' + key + ':' + block));
      for (let i = 0; i < 32 && block * 32 + i < raw.length; i++) raw[block * 32 + i] = sealed[block * 32 + i] ^ pad[i];
    }
    let end = raw.length;
    while (end > 0 && raw[end - 1] === 0) end--;
    return new TextDecoder().decode(raw.subarray(0, end)).trim();
  }

  function openHeldNotices(nonce, notices) {
    const before = state.held;
    const held = new Map();
    if (nonce && notices.length) {
      const byTag = new Map();
      for (const notice of notices) {
        if (isObject(notice) && typeof notice.tag === 'string') byTag.set(notice.tag, notice);
      }
      for (const item of state.items) {
        if (!item.acked || !item.item_id || typeof item.secret !== 'string') continue;
        const key = sha256Hex('retro-hold:' + ownerHashOf(item.secret) + ':' + nonce);
        const notice = byTag.get(sha256Hex('tag:' + key));
        if (notice) held.set(item.item_id, unsealReason(key, str(notice.sealed)));
      }
    }
    state.held = held;
    if ([...held.keys()].some((id) => !before.has(id))) {
      announce('The facilitator has held one of your items. Only this phone can see it; you can rewrite or withdraw it.');
    }
  }

  function forgetRewrite(itemId) {
    state.editing.delete(itemId);
    if (itemId in state.rewriteDrafts) {
      delete state.rewriteDrafts[itemId];
      saveRewrites();
    }
  }

  function pauseIcon() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'held-icon');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-3 6h2v8H9V8Zm4 0h2v8h-2V8Z');
    svg.appendChild(path);
    return svg;
  }

  /** One row per own item, kept across renders so that a rewrite being typed keeps its focus. */
  const mineRows = new Map();

  function buildMineRow(item) {
    const msgId = item.msg_id;
    const text = el('p', { class: 'mine-text', dir: 'auto' });
    const state_ = el('span', { class: 'mine-state' });
    const rewrite = el('button', { type: 'button', class: 'button quiet', 'data-testid': 'rewrite', text: 'Rewrite', hidden: true });
    const withdraw = el('button', { type: 'button', class: 'button quiet', 'data-testid': 'withdraw', text: 'Withdraw' });
    const reason = el('strong', { class: 'held-reason', 'data-testid': 'held-reason', dir: 'auto' });
    const stop = el('span');
    const textareaId = 'rewrite-' + msgId;
    const counterId = 'rewrite-counter-' + msgId;
    const tooLongId = 'rewrite-too-long-' + msgId;
    const textarea = el('textarea', {
      id: textareaId,
      class: 'compose rewrite-text',
      'data-testid': 'rewrite-text',
      dir: 'auto',
      rows: 3,
      'aria-describedby': counterId + ' ' + tooLongId,
      autocomplete: 'off',
    });
    const nudge = el('p', { class: 'nudge', 'data-testid': 'rewrite-nudge', 'aria-live': 'polite', hidden: true });
    const counter = el('span', { class: 'counter', id: counterId, 'aria-live': 'polite' });
    const tooLong = el('p', { class: 'too-long', id: tooLongId, 'data-testid': 'rewrite-too-long', hidden: true });
    const send = el('button', { type: 'button', class: 'button primary', 'data-testid': 'rewrite-send', text: 'Send rewrite' });
    const cancel = el('button', { type: 'button', class: 'button quiet', 'data-testid': 'rewrite-cancel', text: 'Cancel' });
    const editor = el(
      'div',
      { class: 'rewrite', hidden: true },
      el('label', { class: 'rewrite-label', for: textareaId, text: 'Your rewrite' }),
      textarea,
      nudge,
      tooLong,
      el('div', { class: 'rewrite-row' }, counter, cancel, send),
    );
    const held = el(
      'div',
      { class: 'held', 'data-testid': 'held', hidden: true },
      el('p', { class: 'held-title' }, pauseIcon(), 'Held · only you see this'),
      el(
        'p',
        { class: 'held-text' },
        'The facilitator has held this item: ',
        reason,
        stop,
        " It won't be shown at the reveal unless you rewrite it. You can rewrite or withdraw it.",
      ),
      editor,
    );
    const li = el(
      'li',
      { class: 'mine-item', 'data-testid': 'mine', 'data-msg': msgId },
      text,
      held,
      el('div', { class: 'mine-meta' }, state_, el('div', { class: 'mine-buttons' }, rewrite, withdraw)),
    );
    const row = { li, text, state: state_, rewrite, withdraw, held, reason, stop, editor, textarea, nudge, counter, tooLong, send, cancel };
    const itemId = () => (state.items.find((it) => it.msg_id === msgId) || {}).item_id;
    withdraw.addEventListener('click', () => withdrawItem(msgId));
    rewrite.addEventListener('click', () => {
      const id = itemId();
      if (!id) return;
      state.editing.add(id);
      render();
      textarea.focus();
    });
    cancel.addEventListener('click', () => {
      const id = itemId();
      if (id) forgetRewrite(id);
      render();
    });
    send.addEventListener('click', () => rewriteItem(msgId, row));
    textarea.addEventListener('input', () => {
      const id = itemId();
      if (id) {
        state.rewriteDrafts[id] = textarea.value;
        saveRewrites();
      }
      updateRewrite(row);
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        rewriteItem(msgId, row);
      }
    });
    return row;
  }

  function updateRewrite(row) {
    const value = row.textarea.value;
    const flagged = value.trim() !== '' && pointsAtPerson(value);
    setText(row.nudge, flagged ? blameRules.suggestion : '');
    show(row.nudge, flagged);
    const over = showLength(row.textarea, row.counter, row.tooLong, row.send.parentNode);
    row.send.disabled = value.trim() === '' || over;
    if (autoGrow) {
      row.textarea.style.height = 'auto';
      row.textarea.style.height = row.textarea.scrollHeight + 2 + 'px';
    }
  }

  function renderMine(card, promptId) {
    const mine = state.items.filter((it) => it.prompt_id === promptId);
    show(card.mine, mine.length > 0);
    const list = card.mineList;
    const wanted = new Set(mine.map((it) => it.msg_id));
    for (const li of Array.from(list.children)) {
      if (!wanted.has(li.dataset.msg)) {
        li.remove();
        mineRows.delete(li.dataset.msg);
      }
    }
    mine.forEach((item, index) => {
      let row = mineRows.get(item.msg_id);
      if (!row || row.li.parentNode !== list) {
        row = buildMineRow(item);
        mineRows.set(item.msg_id, row);
      }
      const li = row.li;
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
      setText(row.text, item.text);
      row.withdraw.setAttribute('aria-label', 'Withdraw: ' + item.text);
      const pendingOf = (kind) => item.item_id && state.outbox.some((m) => m.command.kind === kind && m.command.item_id === item.item_id);
      const withdrawing = pendingOf('withdraw_item');
      const rewriting = pendingOf('rewrite_item');
      const reason = item.item_id && state.held.has(item.item_id) ? state.held.get(item.item_id) : null;
      const held = reason !== null && !withdrawing && !rewriting;
      let label = '';
      if (!item.acked) label = state.ready ? 'Sending…' : 'Waiting for connection…';
      else if (withdrawing) label = state.ready ? 'Withdrawing…' : 'Withdraws when reconnected…';
      else if (rewriting) label = state.ready ? 'Sending your rewrite…' : 'Sends your rewrite when reconnected…';
      setText(row.state, label);
      li.classList.toggle('pending', !item.acked || Boolean(withdrawing) || Boolean(rewriting));
      li.classList.toggle('held-item', held);
      setAttr(li, 'data-held', held ? 'true' : null);
      row.withdraw.disabled = !item.acked || !item.item_id || Boolean(withdrawing);

      show(row.held, held);
      if (held) {
        setText(row.reason, reason || 'no reason given');
        setText(row.stop, /[.!?…]$/.test(reason) ? '' : '.');
      }
      const editing = held && (state.editing.has(item.item_id) || typeof state.rewriteDrafts[item.item_id] === 'string');
      if (editing && row.editor.hidden) {
        const draft = state.rewriteDrafts[item.item_id];
        row.textarea.value = typeof draft === 'string' ? draft : item.text;
        state.editing.add(item.item_id);
      }
      show(row.editor, editing);
      show(row.rewrite, held && !editing);
      row.rewrite.setAttribute('aria-label', 'Rewrite: ' + item.text);
      if (editing) updateRewrite(row);
    });
  }

  function withdrawItem(msgId) {
    const item = state.items.find((it) => it.msg_id === msgId);
    if (!item || !item.item_id) return;
    if (state.outbox.some((m) => m.command.kind === 'withdraw_item' && m.command.item_id === item.item_id)) return;
    send({ kind: 'withdraw_item', item_id: item.item_id, item_secret: item.secret });
    render();
  }

  function rewriteItem(msgId, row) {
    const item = state.items.find((it) => it.msg_id === msgId);
    if (!item || !item.item_id || !state.held.has(item.item_id)) return;
    const text = row.textarea.value.trim();
    if (charCount(text) > MAX_ITEM_CHARS) {
      row.textarea.focus();
      return;
    }
    if (!text || isBlank(text)) {
      showError('That looks empty. Write a few words first, or withdraw the item.');
      row.textarea.focus();
      return;
    }
    if (state.outbox.some((m) => m.command.kind === 'rewrite_item' && m.command.item_id === item.item_id)) return;
    // The draft stays until the ack, so that a refusal can put it back in the box.
    state.rewriteDrafts[item.item_id] = text;
    saveRewrites();
    state.editing.delete(item.item_id);
    send({ kind: 'rewrite_item', item_id: item.item_id, item_secret: item.secret, text });
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
      claims: claimsOf(board),
      own: ownRevealedItems(),
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
    const kind = el('p', { class: 'topic-kind', dir: 'auto' });
    const votes = el('span', { 'data-testid': 'votes', text: '0' });
    const unit = el('span', { class: 'unit', text: ' dots' });
    const total = el('p', { class: 'total', hidden: true }, votes, unit);
    const discussed = el('span', { class: 'tag discussed-tag', 'data-testid': 'discussed-mark', text: 'Discussed', hidden: true });
    const title = el('h3', { class: 'topic-title', 'data-testid': 'topic-title', dir: 'auto' });
    const claimRow = el('div', { class: 'claim-row', hidden: true });
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
      claimRow,
      items,
      meter,
      voteRow,
      capHint,
      notes,
    );
    return { root, kind, votes, unit, total, discussed, title, claimRow, items, meter, fill, vote, unvote, myDots, pips: pipRow, voteRow, capHint, notes };
  }

  function updateTopicCard(card, topic, ctx) {
    const id = topic.topic_id;
    const items = asArray(topic.items).filter(isObject);
    const grouped = topic.grouped === true;
    const titleText = str(topic.title);
    setText(card.title, titleText);
    setText(card.kind, grouped ? 'Group · ' + items.length + ' ' + plural(items.length, 'item', 'items') : promptText(items[0] && items[0].prompt_id));
    show(card.items, grouped && items.length > 0);
    const claimed = items.map((it) => claimStateOf(it, ctx));
    replaceIfChanged(card.items, grouped ? JSON.stringify(items.map((it, i) => [it.item_id, it.text, claimed[i]])) : '', () =>
      grouped
        ? items.map((it, i) =>
            el(
              'li',
              { class: 'topic-item' + (claimed[i].name !== null ? ' claimed' : '') },
              el('span', { 'data-testid': 'topic-item', dir: 'auto', text: str(it.text) }),
              ...claimNodes(it, claimed[i]),
            ),
          )
        : [],
    );
    const single = !grouped && items.length > 0 ? claimed[0] : null;
    show(card.claimRow, Boolean(single && (single.name !== null || single.canClaim)));
    replaceIfChanged(card.claimRow, single ? JSON.stringify([items[0].item_id, single]) : '', () =>
      single ? claimNodes(items[0], single) : [],
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
      notes.map((n) => el('li', { class: 'note', 'data-testid': 'note', dir: 'auto', text: str(n.text) })),
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

  // ---- claims: in Discuss, the author of an item may choose to say "that was me, happy to talk".
  // Only this phone knows which items are its own (by item_id, from its own storage); the claim shows on
  // that one item only, on every phone.

  function claimsOf(board) {
    const claims = new Map();
    for (const claim of asArray(board.claims)) {
      if (isObject(claim) && typeof claim.item_id === 'string') claims.set(claim.item_id, str(claim.name).trim());
    }
    return claims;
  }

  function ownRevealedItems() {
    const own = new Map();
    for (const item of state.items) {
      if (item.acked && item.item_id && typeof item.secret === 'string') own.set(item.item_id, item);
    }
    return own;
  }

  /** name: null when unclaimed, else the name given (maybe empty); canClaim: the button shows; sending: on its way. */
  function claimStateOf(item, ctx) {
    const id = str(item.item_id);
    const name = ctx.claims.has(id) ? ctx.claims.get(id) : null;
    const mine = ctx.own.has(id);
    const sending = mine && state.outbox.some((m) => m.command.kind === 'claim_item' && m.command.item_id === id);
    const canClaim = ctx.phase === 'discuss' && mine && name === null && !state.claimedHere.has(id);
    return { name, canClaim, sending };
  }

  function claimNodes(item, claim) {
    const nodes = [];
    if (claim.name !== null) {
      const who = claim.name ? claim.name : 'Its author';
      nodes.push(
        el(
          'p',
          { class: 'claim-badge', 'data-testid': 'claim-badge' },
          el('span', { class: 'claim-hand', 'aria-hidden': 'true', text: '✋' }),
          ' ',
          claim.name ? userText(who) : who,
          ' is happy to talk',
        ),
      );
    } else if (claim.canClaim) {
      const button = el('button', {
        type: 'button',
        class: 'button quiet claim',
        'data-testid': 'claim',
        text: claim.sending ? 'Sending…' : 'That was me — happy to talk',
        'aria-label': 'That was me, happy to talk: ' + str(item.text),
        disabled: claim.sending,
      });
      const itemId = str(item.item_id);
      button.addEventListener('click', () => openClaim(itemId));
      nodes.push(button);
    }
    return nodes;
  }

  let claimTarget = null;

  function openClaim(itemId) {
    const item = ownRevealedItems().get(itemId);
    if (!item || !state.board || state.board.phase !== 'discuss') return;
    claimTarget = itemId;
    setText($('claim-item'), item.text);
    $('claim-name').value = '';
    const dialog = $('claim-dialog');
    if (dialog.open) return;
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
  }

  function closeClaim() {
    claimTarget = null;
    const dialog = $('claim-dialog');
    if (!dialog.open) return;
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  }

  function confirmClaim() {
    const itemId = claimTarget;
    const item = itemId ? ownRevealedItems().get(itemId) : null;
    const name = $('claim-name').value.trim().slice(0, MAX_CLAIM_NAME_CHARS);
    closeClaim();
    if (!item || !state.board || state.board.phase !== 'discuss') return;
    if (claimsOf(state.board).has(itemId) || state.claimedHere.has(itemId)) return;
    if (state.outbox.some((m) => m.command.kind === 'claim_item' && m.command.item_id === itemId)) return;
    send({ kind: 'claim_item', item_id: itemId, item_secret: item.secret, name: isBlank(name) ? '' : name });
    render();
  }

  $('claim-cancel').addEventListener('click', closeClaim);
  $('claim-confirm').addEventListener('click', confirmClaim);
  $('claim-name').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      confirmClaim();
    }
  });
  // Escape, or the phone's back gesture, closes the dialog: nothing is sent.
  $('claim-dialog').addEventListener('close', () => {
    claimTarget = null;
  });

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
          dir: 'auto',
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
        return el('div', { class: 'reflect-q' }, el('label', { class: 'reflect-label', for: id, dir: 'auto', text: question }), area);
      }),
    );
  }

  // ---- ended

  function renderEnded(board) {
    show($('ended'), Boolean(board));
    if (!board) return;
    show($('ended-note'), state.linkClosed);
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
          el('p', { class: 'action-text', dir: 'auto', text: str(action.text) }),
          el('p', { class: 'action-meta' }, userText(action.owner), ' · due ' + formatDate(action.due)),
          action.topic_title ? el('p', { class: 'action-topic' }, 'From: ', userText(action.topic_title)) : null,
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
          el('p', { class: 'item-prompt', dir: 'auto', text: promptText(entry.promptId) }),
          el('p', { class: 'item-text selectable', dir: 'auto', text: entry.text }),
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
    if (charCount(combined) > MAX_ITEM_CHARS) {
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
