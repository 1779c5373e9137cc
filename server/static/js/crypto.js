// Randomness, SHA-256, and opening the sealed notices of held items. No DOM, no state.

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

/** 22 characters of [A-Za-z0-9_-]. */
export const newMessageId = () => randomToken(16);
/** 43 characters of [A-Za-z0-9_-]. */
export const newSecret = () => randomToken(32);

// SHA-256 (FIPS 180-4). crypto.subtle only exists in secure contexts, and phones usually load
// this page over plain http on the local network, so the page carries its own.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256Hex(text) {
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
      w[t] = w[t - 16] + (ror(a, 7) ^ ror(a, 18) ^ (a >>> 3)) + w[t - 7] + (ror(b, 17) ^ ror(b, 19) ^ (b >>> 10));
    }
    let [a, b, c, d, e, f, g, k] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
      const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
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

function hexToBytes(hex) {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** The reason sealed under this key: XOR with sha256("pad:" + key + ":" + i) per 32 bytes, zero bytes dropped. */
function unsealReason(key, sealedHex) {
  const raw = hexToBytes(sealedHex);
  if (!raw) return '';
  for (let block = 0; block * 32 < raw.length; block++) {
    const pad = hexToBytes(sha256Hex('pad:' + key + ':' + block));
    for (let i = 0; i < 32 && block * 32 + i < raw.length; i++) raw[block * 32 + i] ^= pad[i];
  }
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  return new TextDecoder().decode(raw.subarray(0, end)).trim();
}

const ownerHashes = new Map();

/** An item's owner hash, from the secret only this phone knows (cached: the notices are opened per board). */
export function ownerHashOf(secret) {
  let hash = ownerHashes.get(secret);
  if (!hash) {
    hash = sha256Hex(secret);
    ownerHashes.set(secret, hash);
  }
  return hash;
}

/**
 * Which of these items the facilitator has held, and why: item_id → reason. Every board carries sealed
 * notices among decoys under a fresh nonce; only the author can find its own (mirrors retro/screening.py).
 */
export function openHeldNotices(items, nonce, notices) {
  const held = new Map();
  if (!nonce || !notices.length) return held;
  const byTag = new Map(notices.map((notice) => [notice.tag, notice.sealed]));
  for (const item of items) {
    if (!item.acked || !item.item_id) continue;
    const key = sha256Hex('retro-hold:' + ownerHashOf(item.secret) + ':' + nonce);
    const sealed = byTag.get(sha256Hex('tag:' + key));
    if (sealed !== undefined) held.set(item.item_id, unsealReason(key, sealed));
  }
  return held;
}
