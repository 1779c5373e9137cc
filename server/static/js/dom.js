// DOM helpers. Every piece of user or server text goes through textContent or a text node, never HTML.
// Words of the page come from the phone's catalogue (i18n.js), re-exported here for views and parts.

import { currentLocale, formatDateTime, formatNumber } from './i18n.js';

export { currentLocale, digits, formatDateTime, formatList, offered, t, tNodes, wordsVersion } from './i18n.js';

export const $ = (id) => document.getElementById(id);

/** Build an element. Attributes via setAttribute; children as nodes or text (never parsed as HTML). */
export function el(tag, attrs, ...children) {
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
export const userText = (text) => el('bdi', { text });

/** A small inline icon: one path in a 24×24 box, hidden from screen readers. */
export function icon(className, size, path) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const attrs = { class: className, viewBox: '0 0 24 24', width: size, height: size, 'aria-hidden': 'true', focusable: 'false' };
  for (const [name, value] of Object.entries(attrs)) svg.setAttribute(name, String(value));
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('fill', 'currentColor');
  shape.setAttribute('d', path);
  svg.appendChild(shape);
  return svg;
}

export function setText(node, text) {
  const value = String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function show(node, visible) {
  if (node.hidden === visible) node.hidden = !visible;
}

export function setAttr(node, name, value) {
  if (value === null || value === undefined || value === false) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== String(value)) {
    node.setAttribute(name, String(value));
  }
}

/** Rebuild a node's children only when what they show has changed (keeps focus and scroll steady). */
export function replaceIfChanged(node, signature, build) {
  if (node.dataset.signature === signature) return;
  node.dataset.signature = signature;
  node.replaceChildren(...build());
}

const keyedChildren = new WeakMap();

/**
 * Make parent's children one per item, in order: kept by key across renders (so focus, typing and
 * scroll survive), created when new, removed when gone. create(item) returns a node, or an object whose
 * `root` is the node; update(made, item, index) brings it up to date. The parent holds nothing else.
 */
export function keyed(parent, items, key, create, update) {
  let made = keyedChildren.get(parent);
  if (!made) {
    made = new Map();
    keyedChildren.set(parent, made);
  }
  const wanted = new Set();
  items.forEach((item, index) => {
    const id = key(item, index);
    wanted.add(id);
    let part = made.get(id);
    if (!part) {
      part = create(item, index);
      made.set(id, part);
    }
    update(part, item, index);
    const node = part instanceof Node ? part : part.root;
    if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] || null);
  });
  for (const [id, part] of made) {
    if (wanted.has(id)) continue;
    (part instanceof Node ? part : part.root).remove();
    made.delete(id);
  }
}

/** A row of dots, the first `filled` of them on. */
export function pips(node, filled, total) {
  const dots = Array.from({ length: total }, (_, index) => index < filled);
  keyed(node, dots, (_, index) => index, () => el('span', { class: 'pip' }), (pip, on) => pip.classList.toggle('on', on));
}

/** A text box that grows with its text, where the browser cannot do it by itself. */
const growsByItself = Boolean(window.CSS && CSS.supports && CSS.supports('field-sizing', 'content'));

export function fitHeight(textarea) {
  if (growsByItself) return;
  textarea.style.height = 'auto';
  textarea.style.height = textarea.scrollHeight + 2 + 'px';
}

/** "2026-12-04" → "4 Dec" in the phone's language, without time zones shifting the day. */
export function formatDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const sameYear = date.getFullYear() === new Date().getFullYear();
  try {
    return formatDateTime(date, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
  } catch (_) {
    return iso;
  }
}

export const formatMean = (mean) => (mean === null ? '–' : formatNumber(mean, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/** A prompt's or question's wording in the phone's language, where its template carries a translation. */
export function worded(entry, fields) {
  const translated = entry.translations ? entry.translations[currentLocale()] : undefined;
  if (!translated || !translated.text) return entry;
  return Object.assign({}, entry, Object.fromEntries(fields.map((field) => [field, translated[field] || ''])));
}

export const prefersStillness = () => Boolean(window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches);
