// The outbox: every command waits here, kept on the phone, until the server acknowledges or refuses it.
// The connection sends what is here on every welcome, so nothing is lost and, with the message id,
// nothing is applied twice.

import { newMessageId, sha256Hex } from './crypto.js';
import { changed, persist, state } from './state.js';

let transmit = () => {};

/** The connection says how to put a message on the wire; until it is ready, messages simply wait. */
export function transmitWith(send) {
  transmit = send;
}

/** Queue a message whose id is already known (an item is saved under it first, so an ack always finds it). */
export function enqueue(message) {
  state.outbox.push(message);
  persist('outbox');
  transmit(message);
  changed();
}

export function send(command) {
  enqueue({ id: newMessageId(), command });
}

export function take(id) {
  const index = state.outbox.findIndex((m) => m.id === id);
  if (index < 0) return null;
  const [message] = state.outbox.splice(index, 1);
  persist('outbox');
  return message;
}

export function flush() {
  for (const message of state.outbox) transmit(message);
}

/** Is a command of this kind, matching these fields, still on its way? */
export function sending(kind, fields = {}) {
  return state.outbox.some(
    (m) => m.command && m.command.kind === kind && Object.entries(fields).every(([name, value]) => m.command[name] === value),
  );
}

/** Commands sent, or acked but not yet reflected in a `private` message: a tap shows at once. */
export function pendingCommands() {
  return state.settling.map((entry) => entry.command).concat(state.outbox.filter((m) => m.command).map((m) => m.command));
}

// An item typed before a crash between its two saves still gets sent.
for (const item of state.items) {
  if (!item.acked && !state.outbox.some((m) => m.id === item.msg_id)) {
    state.outbox.push({
      id: item.msg_id,
      command: { kind: 'add_item', prompt_id: item.prompt_id, text: item.text, owner_hash: sha256Hex(item.secret) },
    });
  }
}
persist('outbox');
