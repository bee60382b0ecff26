import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A jest reporter: line, branch and function coverage per lib/ folder, after a run of the whole
 * suite (a run of single spec files covers little by design, so it prints nothing). A folder under
 * `minLines` % of lines fails the run unless `notes` says why.
 */
export default class FolderCoverageReporter {
  constructor(globalConfig, { minLines = 85, notes = {} } = {}) {
    this.results = undefined;
    this.reported = false;
    this.rootDir = globalConfig.rootDir;
    this.filtered = Boolean(globalConfig.testNamePattern);
    this.minLines = minLines;
    this.notes = notes;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    this.results = results;
  }

  /**
   * Jest runs its coverage reporter after the custom ones and asks every reporter for its last
   * error after all have finished: only then does `coverageMap` hold the run's coverage.
   */
  getLastError() {
    if (this.results && !this.reported) {
      this.reported = true;
      this.report(this.results);
    }
    return this.error;
  }

  report(results) {
    const map = results.coverageMap;
    if (!map || !this.ranWholeSuite(results)) return;
    const folders = new Map();
    for (const file of map.files()) {
      const relative = path.relative(this.rootDir, file).split(path.sep);
      const folder = relative.length > 2 ? relative.slice(0, 2).join('/') : relative[0];
      const summary = map.fileCoverageFor(file).toSummary();
      const totals = folders.get(folder) ?? { lines: [0, 0], branches: [0, 0], functions: [0, 0] };
      for (const key of ['lines', 'branches', 'functions']) {
        totals[key][0] += summary[key].covered;
        totals[key][1] += summary[key].total;
      }
      folders.set(folder, totals);
    }
    const pct = ([covered, total]) => (total === 0 ? 100 : (100 * covered) / total);
    const rows = [...folders].sort(([a], [b]) => a.localeCompare(b));
    const failing = [];
    const lines = ['', 'Coverage by folder       lines  branches  functions'];
    for (const [folder, totals] of rows) {
      const linePct = pct(totals.lines);
      const note = this.notes[folder];
      if (linePct < this.minLines && !note) failing.push(`${folder} (${linePct.toFixed(1)} %)`);
      const cells = [totals.lines, totals.branches, totals.functions].map((t) => `${pct(t).toFixed(1).padStart(7)} %`);
      lines.push(`${folder.padEnd(22)}${cells.join(' ')}${note && linePct < this.minLines ? `  (${note})` : ''}`);
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
    if (failing.length > 0) {
      this.error = new Error(`line coverage under ${this.minLines} % without a note in jest.config.js: ${failing.join(', ')}`);
      process.stdout.write(`${this.error.message}\n`);
    }
  }

  /** Every test of every spec file in test/ ran (jest.config.js's testMatch): a filtered run says nothing about a folder. */
  ranWholeSuite(results) {
    if (this.filtered) return false;
    const specs = readdirSync(path.join(this.rootDir, 'test'), { recursive: true }).filter((file) => String(file).endsWith('.spec.ts'));
    return results.numTotalTestSuites >= specs.length;
  }
}
