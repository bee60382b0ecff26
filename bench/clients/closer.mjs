// How the bench closes a client's socket, told apart from the server closing it.

/** Closes `ws` when the bench ends; a close before that is reported to `target.onClose`. */
export function closer(ws, target) {
  let closing = false;
  ws.on('close', (code, reason) => !closing && target.onClose?.(`${code} ${reason}`));
  return () => {
    closing = true;
    ws.terminate();
  };
}
