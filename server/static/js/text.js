// Text as the server sees it: pure helpers, shared by the composer and the intents.

/** Mirrors the server's clean_text closely enough to know when it would leave nothing. */
const INVISIBLE = /\x1b\[[0-?]*[ -/]*[@-~]|[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu;

export const isBlank = (text) => text.replace(INVISIBLE, (c) => (c === '\u200d' ? c : '')).trim() === '';

/** Characters as the server counts them (code points), in the text as it will be sent. */
export const charCount = (text) => Array.from(text.trim()).length;
