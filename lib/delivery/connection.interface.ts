/** A transport connection as the engine sees it: bytes out, a close with a code. */
export interface Connection {
  readonly transport: 'websocket';
  send(frame: Buffer): void;
  close(code: number, reason: string): void;
  /** Bytes written but not yet handed to the OS. */
  bufferedAmount(): number;
}
