// Markdown tables of results: one column per setup, one row per figure, and ratio columns.

// The load process busy this share of a core or more: the figure measures it as much as the server.
export const SATURATED = 0.9;

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
export const ms = (value) => `${value.toFixed(2)} ms`;
export const us = (value) => `${value.toFixed(2)} µs`;
export const percent = (share) => `${Math.round(share * 100)} %`;
export const integer = (value) => Math.round(value).toLocaleString('en-US');

/**
 * A row: `label`, `value(result)` (a number, or undefined where the setup has none), `format`,
 * `busy(result)` for figures a saturated load process may have capped (marked ⚠), and `ratio: false`
 * for rows no ratio makes sense of.
 */
export const row = (label, value, format, busy, ratio = true) => ({ label, value, format, busy, ratio });

/**
 * `columns`: [{ key, label }]; `results`: { [key]: result }; `ratios`: [{ label, of, to }] adds a
 * column of `value(results[of]) / value(results[to])` for rows that have both.
 */
export function printTable(title, columns, results, rows, ratios = []) {
  const shown = columns.filter((c) => results[c.key]);
  const usable = ratios.filter((r) => results[r.of] && results[r.to]);
  console.log(`**${title}**\n`);
  console.log(`| | ${[...shown.map((c) => c.label), ...usable.map((r) => r.label)].join(' | ')} |`);
  console.log(`|---|${[...shown, ...usable].map(() => '---:').join('|')}|`);
  let saturated = false;
  for (const { label, value, format, busy, ratio } of rows) {
    const cells = shown.map(({ key }) => {
      const v = value(results[key]);
      if (v === undefined || Number.isNaN(v)) return '';
      const capped = busy && busy(results[key]) >= SATURATED;
      saturated ||= capped;
      return capped ? `${format(v)} ⚠` : format(v);
    });
    const ratioCells = usable.map(({ of, to }) => {
      const [a, b] = [value(results[of]), value(results[to])];
      return !ratio || a === undefined || b === undefined || !b ? '' : `${(a / b).toFixed(2)}×`;
    });
    console.log(`| ${label} | ${[...cells, ...ratioCells].join(' | ')} |`);
  }
  if (saturated) console.log(`\n⚠ a load process was ≥ ${SATURATED * 100} % busy on one core: that figure is capped by the load, not the server.`);
  console.log('');
}
