/*
 * The exported page's offline recomputation (lib/pins/offline.js, built by
 * `jlpm build`), timed in node on a page's embedded data: every view that
 * can be computed again, under the filter given, best of --repeat runs.
 * Called by bench_export.py: node --experimental-detect-module
 * benchmarks/bench_export.mjs <embedded.json> <state.json> <repeat>
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const offline = await import(path.join(root, 'lib', 'pins', 'offline.js'));
const [embeddedPath, statePath, repeatText] = process.argv.slice(2);
const embedded = JSON.parse(fs.readFileSync(embeddedPath, 'utf-8'));
const state = JSON.parse(fs.readFileSync(statePath, 'utf-8'));
const repeat = Number(repeatText || 3);

let started = performance.now();
const cube = offline.readOffline(embedded.offline);
const decodeMs = performance.now() - started;
const OWN = { distribution: spec => (typeof spec.params.column === 'string' ? [spec.params.column] : []) };
const views = [];
embedded.views.forEach((payload, i) => {
  const own = OWN[payload.spec.component]?.(payload.spec) ?? [];
  let best = Infinity;
  let answer = null;
  for (let r = 0; r < repeat; r++) {
    started = performance.now();
    answer = offline.recompute(cube, i, payload.spec, payload.data, state, own);
    best = Math.min(best, performance.now() - started);
  }
  views.push({
    component: payload.spec.component,
    ms: best,
    computed: !('reason' in answer),
    filtered_rows: answer.data ? answer.data.filtered_rows : null
  });
});
console.log(JSON.stringify({ decode_ms: decodeMs, views }));
