/*
 * The exported dashboard filters offline: symphony_lab.export() (run in
 * Python, as in a kernel) writes a page with the views and binned codes of
 * their frame; opened from disk in chromium (every request recorded), a
 * brush on the age histogram computes the other views again in the page:
 * the city counts become the ones the kernel computes with that filter, the
 * summary counts the filtered rows, and a table page says it is not filtered
 * offline. Removing the filter brings the exported numbers back. A cell
 * selected in an exported confusion matrix filters a view of the same rows
 * as the kernel's selection does. Screenshot: exported-filtered.png.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { SCREENSHOTS } from './helpers';

const PYTHON = process.env.SYMPHONY_PYTHON || 'python';
/** Where the test drags on the age histogram, as fractions of its width. */
const FROM = 0.2;
const TO = 0.45;

/**
 * Writes the page (with "export"), or prints as JSON what the kernel
 * computes on the same frame with a filter on the age bins FIRST to LAST.
 */
const SCRIPT = `
import json, sys
import numpy as np, pandas as pd
import symphony_lab
mode, target = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
people = pd.DataFrame({
    "age": rng.integers(18, 91, 5000).astype(float),
    "city": rng.choice(["Lyon", "Paris", "Nice", "Lille"], 5000, p=[0.4, 0.3, 0.2, 0.1]),
    "income": rng.lognormal(10, 1, 5000),
})
people.loc[people.age > 60, "city"] = np.where(rng.random(int((people.age > 60).sum())) < 0.7, "Nice", "Lille")
people.loc[rng.random(5000) < 0.1, "income"] = np.nan
views = [
    symphony_lab.show(people, "distribution", column="age"),
    symphony_lab.show(people, "distribution", column="city"),
    symphony_lab.show(people, "summary"),
    symphony_lab.show(people, "table"),
]
if mode == "export":
    symphony_lab.export(views, target, title="People, offline")
    sys.exit(0)
first, last = int(sys.argv[3]), int(sys.argv[4])
edges = views[0].views[0]["data"]["edges"]
clause = {"column": "age", "op": "range", "min": edges[first], "max": edges[last + 1]}
city = symphony_lab.show(people, "distribution", column="city", filter=[clause]).views[0]["data"]
before = views[1].views[0]["data"]
print(json.dumps({
    "filtered": {str(c): n for c, n in zip(city["categories"], city["series"][0]["counts"])},
    "exported": {str(c): n for c, n in zip(before["categories"], before["series"][0]["counts"])},
    "rows": city["filtered_rows"],
}))
`;

function categoryCounts(
  card: import('@playwright/test').Locator
): Promise<Record<string, number>> {
  return card.locator('.jp-SymphonyView-category').evaluateAll(buttons =>
    Object.fromEntries(
      buttons.map(b => [
        b.querySelector('.jp-SymphonyView-categoryLabel')?.textContent ?? '',
        Number((b.querySelector('.jp-SymphonyView-categoryCount')?.textContent ?? '').replace(/[^0-9]/g, ''))
      ])
    )
  );
}

test('an exported dashboard computes its views again when brushed offline', async ({ browser }) => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const target = path.join(SCREENSHOTS, 'exported-filtered.html');
  const python = (...args: string[]): string =>
    execFileSync(PYTHON, ['-c', SCRIPT, ...args], { encoding: 'utf-8', timeout: 120_000 });
  python('export', target);

  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const offline = await context.newPage();
  const requests: string[] = [];
  offline.on('request', request => requests.push(request.url()));
  await offline.goto(`file://${target}`);
  await expect(offline.locator('.jp-SymphonyPin')).toHaveCount(4);
  await expect(offline.locator('.jp-SymphonyExport-header')).toContainText('computes the summary, distribution');

  const age = offline.locator('.jp-SymphonyPin[data-component="distribution"]').nth(0);
  const city = offline.locator('.jp-SymphonyPin[data-component="distribution"]').nth(1);
  const summary = offline.locator('.jp-SymphonyPin[data-component="summary"]');
  const table = offline.locator('.jp-SymphonyPin[data-component="table"]');
  const exported = await categoryCounts(city);

  // Brush the age histogram with the mouse.
  const overlay = age.locator('.jp-SymphonyView-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const box = (await overlay.boundingBox())!;
  expect(box).not.toBeNull();
  const y = box.y + box.height / 2;
  await offline.mouse.move(box.x + box.width * FROM, y);
  await offline.mouse.down();
  await offline.mouse.move(box.x + box.width * ((FROM + TO) / 2), y, { steps: 4 });
  await offline.mouse.move(box.x + box.width * TO, y, { steps: 4 });
  await offline.mouse.up();
  await expect(age.locator('.jp-SymphonyPin-chip')).toContainText('age:');
  // The bins the brush covers, and what the kernel computes with that filter.
  const selected = await age
    .locator('.jp-SymphonyView-bin[data-selected="true"]')
    .evaluateAll(bins => bins.map(b => Number(b.getAttribute('data-bin'))));
  expect(selected.length).toBeGreaterThan(0);
  const expected = JSON.parse(
    python('expect', target, String(Math.min(...selected)), String(Math.max(...selected))).trim().split('\n').pop()!
  ) as { filtered: Record<string, number>; exported: Record<string, number>; rows: number };
  expect(exported).toEqual(expected.exported);
  expect(expected.filtered).not.toEqual(expected.exported);

  // The other views follow: the city counts are the kernel's under the same filter.
  await expect.poll(() => categoryCounts(city)).toEqual(expected.filtered);
  await expect(city.locator('.jp-SymphonyPin-status')).toContainText('Computed offline');
  await expect(summary).toContainText(expected.rows.toLocaleString('en-US'));
  await expect(table.locator('.jp-SymphonyPin-status')).toContainText('Not filtered offline');
  // The brushed view is not filtered by its own brush: its exported bars stay, with no note.
  await expect(age.locator('.jp-SymphonyPin-status')).toHaveCount(0);
  await expect(age.locator('.jp-SymphonyView-bin')).toHaveCount(30);

  await city.scrollIntoViewIfNeeded();
  await offline.screenshot({ path: path.join(SCREENSHOTS, 'exported-filtered.png'), fullPage: true });
  await test.info().attach('exported-filtered.png', {
    path: path.join(SCREENSHOTS, 'exported-filtered.png'),
    contentType: 'image/png'
  });

  // Clear: the exported numbers come back.
  await age.locator('.jp-SymphonyPin-chipClear').first().click();
  await expect(offline.locator('.jp-SymphonyPin-chip')).toHaveCount(0);
  await expect.poll(() => categoryCounts(city)).toEqual(expected.exported);
  await expect(city.locator('.jp-SymphonyPin-status')).toHaveCount(0);

  // Nothing but the file itself was requested.
  expect(requests.filter(url => url !== `file://${target}`)).toEqual([]);
  await context.close();
});

/** A classifier on a frame with a region column; the kernel's region counts for a selected cell. */
const MODEL_SCRIPT = `
import json, sys
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import symphony_lab
mode, target = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(11)
X = pd.DataFrame({"f1": rng.normal(size=1500), "f2": rng.normal(size=1500),
                  "region": rng.choice(["north", "south", "east", "west"], 1500)})
y = pd.Series(np.where(X.f1 + (X.region == "north") + rng.normal(scale=1.0, size=1500) > 0.3, "yes", "no"), name="label")
model = LogisticRegression().fit(X[["f1", "f2"]], y)
views = [symphony_lab.show(model, "confusion", X, y), symphony_lab.show(X, "distribution", column="region")]
if mode == "export":
    symphony_lab.export(views, target, title="Model, offline")
    sys.exit(0)
selection = {"component": "confusion", "variables": views[0].views[0]["spec"]["variables"], "params": {},
             "spec": {"true": sys.argv[3], "pred": sys.argv[4]}, "label": "cell"}
region = symphony_lab.show(X, "distribution", column="region", selection=selection).views[0]["data"]
print(json.dumps({"selected": {str(c): n for c, n in zip(region["categories"], region["series"][0]["counts"])},
                  "rows": region["filtered_rows"]}))
`;

test('a confusion cell selected offline filters the other views as the kernel does', async ({ browser }) => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const target = path.join(SCREENSHOTS, 'exported-model.html');
  const python = (...args: string[]): string =>
    execFileSync(PYTHON, ['-c', MODEL_SCRIPT, ...args], { encoding: 'utf-8', timeout: 120_000 });
  python('export', target);
  const expected = JSON.parse(python('expect', target, 'yes', 'no').trim().split('\n').pop()!) as {
    selected: Record<string, number>;
    rows: number;
  };

  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const offline = await context.newPage();
  await offline.goto(`file://${target}`);
  const matrix = offline.locator('.jp-SymphonyPin[data-component="confusion"]');
  const region = offline.locator('.jp-SymphonyPin[data-component="distribution"]');
  await expect(matrix).toBeVisible();
  const before = await categoryCounts(region);
  await matrix.locator('button[aria-label^="true yes, predicted no:"]').click();
  await expect(offline.locator('.jp-SymphonyPin-chip').first()).toContainText('selection');
  await expect.poll(() => categoryCounts(region)).toEqual(expected.selected);
  expect(expected.selected).not.toEqual(before);
  await expect(region.locator('.jp-SymphonyPin-status')).toContainText('Computed offline');
  // The matrix that made the selection is not filtered by it.
  await expect(matrix.locator('.jp-SymphonyPin-status')).toHaveCount(0);
  await context.close();
});
