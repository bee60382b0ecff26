/** Thrown at start-up for options that cannot work; the message names the field. */
export class StreamingOptionsError extends Error {
  constructor(field: string, problem: string) {
    super(`StreamingModule options: ${field} ${problem}`);
    this.name = 'StreamingOptionsError';
  }
}
