// The language switcher in the header: each language named in itself (the server lists them from the
// catalogues' metadata); the phone's choice is remembered for every retro on this phone.

import { $, currentLocale } from '../dom.js';
import { pickLanguage } from '../intents.js';

const picker = $('language');

picker.addEventListener('change', () => pickLanguage(picker.value));

export function render() {
  if (picker.value !== currentLocale()) picker.value = currentLocale();
}
