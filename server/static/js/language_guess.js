// A cheap guess whether a text is English, for the blame nudge, whose model was trained on English alone:
// any letter outside the Latin script, or more of the commonest words of the page's other languages than
// of English, and the text is taken as not English. It errs towards "not English": the nudge then stays
// silent, which costs nothing, where a wrong nudge in another language would.

const OTHER_SCRIPT = /[^\p{Script=Latin}\P{L}]/u;
const ENGLISH = new Set(
  'the and is was are were to of it he she they we i you not in on for with that this be his her them our my me him did didn\'t don\'t no never always'.split(' '),
);
const OTHERS = new Set(
  [
    // Welsh
    'yn y yr mae ddim wedi ac ei fy nhw chi roedd bod oedd gyda ond hefyd',
    // Polish
    'nie się jest że jak ale już był była co tak mnie ten tego przez',
    // Romanian
    'și nu este că pe cu la lui sunt fost mai foarte ne acest',
    // Portuguese and Spanish
    'não que é uma com para os ele ela foi muito el los una por pero muy fue está las del',
    // Filipino
    'ang ng sa mga hindi ay siya ko ako niya kami namin nila kasi',
  ].join(' ').split(' '),
);

export function looksEnglish(text) {
  if (OTHER_SCRIPT.test(text)) return false;
  let english = 0;
  let other = 0;
  for (const word of text.toLowerCase().match(/[\p{L}']+/gu) || []) {
    if (ENGLISH.has(word)) english += 1;
    else if (OTHERS.has(word)) other += 1;
  }
  return other === 0 || english > other;
}
