// A scale of big buttons (check-in questions and the return on time invested), and the anonymous
// summary under it: a small histogram and the mean once enough answered, else only how many.

import { el, formatList, formatMean, digits, replaceIfChanged, setAttr, t } from '../dom.js';

/** Buttons low..high, in rows that fit a phone: one row up to six, else two even rows. */
export function buildScale(container, low, high, testidPrefix, describe, onPick) {
  const count = high - low + 1;
  container.style.setProperty('--columns', String(count <= 6 ? count : Math.ceil(count / 2)));
  const buttons = [];
  for (let value = low; value <= high; value++) {
    const button = el('button', {
      type: 'button',
      class: 'scale-button',
      'data-testid': testidPrefix + value,
      'aria-pressed': 'false',
      'aria-label': describe(value),
      text: digits(value),
    });
    button.addEventListener('click', () => onPick(value));
    buttons.push(button);
  }
  container.replaceChildren(...buttons);
  return buttons;
}

/** "7, Very" for the ends of a scale that have words, else just the number. */
export const describeValue = (scale) => (value) => {
  const label = value === scale.low ? scale.low_label : value === scale.high ? scale.high_label : '';
  return label ? t('scale.value_label', { value, label }) : digits(value);
};

export function markChosen(buttons, low, chosen, sending) {
  buttons.forEach((button, index) => {
    const on = chosen === low + index;
    setAttr(button, 'aria-pressed', on ? 'true' : 'false');
    button.classList.toggle('chosen', on);
    button.classList.toggle('sending', on && sending);
  });
}

function histogramOf(summary, noun) {
  const top = Math.max(1, ...summary.histogram);
  const columns = summary.histogram.map((n, index) => {
    const bar = el('span', { class: 'histo-bar' + (n === 0 ? ' zero' : '') });
    bar.style.height = Math.max(4, Math.round((n / top) * 100)) + '%';
    return el(
      'span',
      { class: 'histo-col' },
      el('span', { class: 'histo-n', text: n ? digits(n) : '' }),
      el('span', { class: 'histo-track' }, bar),
      el('span', { class: 'histo-value', text: digits(summary.low + index) }),
    );
  });
  const spoken = formatList(summary.histogram.map((n, index) => t('summary.spoken_pair', { value: summary.low + index, count: n })));
  const histo = el('div', { class: 'histo', 'aria-hidden': 'true' }, ...columns);
  histo.style.setProperty('--columns', String(summary.histogram.length));
  return [
    histo,
    el('p', { class: 'summary-count' }, el('strong', { text: t('summary.mean', { mean: formatMean(summary.mean) }) }), ' · ', t('answered.count', { n: summary.answered })),
    el('p', { class: 'sr-only', text: t(noun, { values: spoken }) }),
  ];
}

export function renderSummary(node, summary, noun) {
  const answered = summary ? summary.answered : 0;
  const shown = Boolean(summary && summary.shown);
  const signature = JSON.stringify([answered, shown, shown ? summary.histogram : null, shown ? summary.mean : null, noun, t('answered.nobody')]);
  replaceIfChanged(node, signature, () =>
    shown
      ? histogramOf(summary, noun)
      : [el('p', { class: 'summary-count', text: answered === 0 ? t('answered.nobody') : t('answered.so_far', { n: answered }) })],
  );
}
