// Frame times of the embedding map in headless Debian chromium (run by bench_embedding.py, which
// serves the compiled renderer, lib/views/scatter/, and the kernel's payloads from BASE).
// Usage: node bench_embedding.mjs BASE   ->  JSON on stdout
import { createRequire } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'ui-tests', 'package.json'));
const { chromium } = require('playwright-core');

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--ignore-gpu-blocklist'
  ]
});
const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
page.on('console', m => process.stderr.write(`[page] ${m.text()}\n`));
page.on('pageerror', e => process.stderr.write(`[page error] ${e.message}\n`));
await page.goto(`${base}/bench.html`);
await page.waitForFunction(() => window.benchReady === true, null, { timeout: 120000 });
const results = await page.evaluate(async () => window.runBench(), null);
if (process.env.BENCH_SHOTS) {
  // what the frames look like, for a person to check (not part of the figures)
  for (const [which, zoom] of [['1m', 1], ['1m', 1.6], ['1m', 4], ['1m', 40], ['10m', 1]]) {
    // zoomed at the left cluster of the upper row (where the planted data has one)
    const info = await page.evaluate(([w, z]) => window.showFrame(w, z, 0.38, 0.28), [which, zoom]);
    process.stderr.write(`[shot] ${which} zoom ${zoom}: ${JSON.stringify(info)}\n`);
    await page.locator('#host').screenshot({ path: path.join(process.env.BENCH_SHOTS, `embedding-${which}-zoom${zoom}-${info.mode}.png`) });
  }
}
process.stdout.write(JSON.stringify(results));
await browser.close();
