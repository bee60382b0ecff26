const NEWLINE = 0x0a;

/**
 * The messages of a frame the JSON codec joined (one per line: JSON escapes newlines inside
 * strings, so a raw one only separates messages). Views of the frame, not copies.
 */
export function jsonLines(frame: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < frame.length) {
    let end = frame.indexOf(NEWLINE, start);
    if (end === -1) end = frame.length;
    lines.push(frame.subarray(start, end));
    start = end + 1;
  }
  return lines;
}
