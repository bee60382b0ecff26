// Preloaded into a bench server by bench/profile-connections.mjs (`--import`): answers
// {type:'snapshot', path} with a heap snapshot written there, after a full GC.
import { writeHeapSnapshot } from 'node:v8';

process.on('message', (req) => {
  if (req.type !== 'snapshot') return;
  globalThis.gc();
  writeHeapSnapshot(req.path);
  process.send({ type: 'snapshot', path: req.path });
});
