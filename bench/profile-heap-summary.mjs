// Compares two heap snapshots (bench/profile-connections.mjs with PROFILE_SNAPSHOT): objects by
// kind and constructor or function name, what the second holds more of, per connection.
//
//   node bench/profile-heap-summary.mjs <before.heapsnapshot> <after.heapsnapshot> <connections> [rows]
import { readFileSync } from 'node:fs';

const [beforePath, afterPath, connections, rows = '40'] = process.argv.slice(2);

function groups(path) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const byKey = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    // Strings and numbers by kind only: their text would split them into one row each.
    const name = ['string', 'number', 'concatenated string', 'sliced string'].includes(type) ? '' : strings[nodes[i + nameAt]].slice(0, 60);
    const key = `${type} ${name}`;
    const entry = byKey.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += nodes[i + sizeAt];
    byKey.set(key, entry);
  }
  return byKey;
}

const before = groups(beforePath);
const after = groups(afterPath);
const n = Number(connections);
const diff = [...after].map(([key, { count, size }]) => {
  const old = before.get(key) ?? { count: 0, size: 0 };
  return { key, count: (count - old.count) / n, size: (size - old.size) / n };
});
diff.sort((a, b) => b.size - a.size);
const total = diff.reduce((sum, row) => sum + row.size, 0);
console.log(`self size per connection: ${total.toFixed(0)} B`);
console.log('bytes/conn  objects/conn  kind name');
for (const row of diff.slice(0, Number(rows))) {
  console.log(`${row.size.toFixed(0).padStart(10)}  ${row.count.toFixed(2).padStart(12)}  ${row.key}`);
}
