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
process.stdout.write(JSON.stringify(results));
await browser.close();
