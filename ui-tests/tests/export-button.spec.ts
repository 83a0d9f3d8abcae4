/*
 * The panel's Export button writes a page that filters offline, like
 * symphony_lab.export() does: the server has the kernel encode the views'
 * frame (binned codes), so that the downloaded file, opened from disk in
 * chromium with every request recorded, computes its views again when
 * brushed. A brush on the age histogram makes the summary's row count and
 * its top cities those the kernel computes with the same filter (asked of
 * the live kernel through the view route). Screenshot:
 * exported-button-filtered.png.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

import {
  card,
  clickSuggestion,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  SCREENSHOTS,
  uploadAndRun
} from './helpers';

const FRAME = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(7)',
  'people = pd.DataFrame({"age": rng.integers(18, 91, 4000).astype(float),',
  '                       "city": rng.choice(["Lyon", "Paris", "Nice", "Lille"], 4000, p=[0.4, 0.3, 0.2, 0.1])})',
  'old = people.age > 60',
  'people.loc[old, "city"] = np.where(rng.random(int(old.sum())) < 0.7, "Nice", "Lille")',
  'people.shape'
].join('\n');

interface IEmbedded {
  views: Array<{ spec: { component: string }; data: { edges?: number[] } }>;
  offline?: { frames: Array<{ name: string; rows: number; sampled: boolean }>; views: Array<{ frame: string | null }> };
}

/** The JSON the page embeds (views and offline codes). */
function embedded(html: string): IEmbedded {
  const match = html.match(/<script type="application\/json" id="symphony-lab-data">([\s\S]*?)<\/script>/);
  expect(match, 'the page embeds its data').not.toBeNull();
  return JSON.parse(match![1]) as IEmbedded;
}

/** The top values (value -> count) a summary card shows for a column. */
function topValues(summary: Locator, column: string): Promise<Record<string, number>> {
  return summary
    .locator(`.jp-SymphonyView-summaryRow[data-column="${column}"] .jp-SymphonyView-top li`)
    .evaluateAll(items =>
      Object.fromEntries(
        items.map(li => [
          li.querySelector('.jp-SymphonyView-topValue')?.textContent ?? '',
          Number((li.querySelector('.jp-SymphonyView-topCount')?.textContent ?? '').replace(/[^0-9]/g, ''))
        ])
      )
    );
}

test('the Export button downloads a page that filters offline as the kernel does', async ({
  page,
  tmpPath,
  browser
}) => {
  const notebook = `${tmpPath}/export-button.ipynb`;
  await uploadAndRun(page, notebook, notebookWith(FRAME, 'frame'));
  await openPanel(page);
  await clickSuggestion(page, 'people', 'distribution');
  await expect(card(page, 'distribution', 'people')).toHaveAttribute('data-status', 'ready', {
    timeout: PANEL_TIMEOUT
  });
  await clickSuggestion(page, 'people', 'summary');
  await expect(card(page, 'summary', 'people')).toHaveAttribute('data-status', 'ready', {
    timeout: PANEL_TIMEOUT
  });

  // Export from the panel: the download carries the codes of people's rows.
  const downloading = page.waitForEvent('download');
  await panel(page).locator('.jp-SymphonyBoard-export').click();
  const download = await downloading;
  await expect(page.getByText('it filters offline', { exact: false }).first()).toBeVisible();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const target = path.join(SCREENSHOTS, 'exported-button.html');
  await download.saveAs(target);
  const data = embedded(fs.readFileSync(target, 'utf-8'));
  expect(data.offline?.frames.map(f => [f.name, f.rows, f.sampled])).toEqual([['people', 4000, false]]);
  expect(data.offline?.views.map(v => v.frame)).toEqual(['people', 'people']);
  const distribution = data.views.find(v => v.spec.component === 'distribution')!;
  const edges = distribution.data.edges!;

  // The live kernel, for the numbers it computes under a filter (the view route, as the panel asks).
  const sessions = (await (await page.request.get('/api/sessions')).json()) as Array<{
    path: string;
    kernel: { id: string };
  }>;
  const kernelId = sessions.find(s => s.path.endsWith('export-button.ipynb'))!.kernel.id;
  const kernelSummary = async (
    filter: unknown[]
  ): Promise<{ rows: number; top: Record<string, number> }> => {
    const response = await page.request.post(`/symphony-lab/api/kernels/${kernelId}/views`, {
      data: { component: 'summary', variables: ['people'], params: {}, state: { filter } }
    });
    expect(response.ok()).toBe(true);
    const answer = (await response.json()) as {
      data: { filtered_rows: number; columns: Array<{ name: string; top: Array<{ value: string; count: number }> }> };
    };
    const city = answer.data.columns.find(c => c.name === 'city')!;
    return {
      rows: answer.data.filtered_rows,
      top: Object.fromEntries(city.top.slice(0, 3).map(t => [String(t.value), t.count]))
    };
  };

  // Open the file from disk in a fresh context that records every request.
  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const offline = await context.newPage();
  const requests: string[] = [];
  offline.on('request', request => requests.push(request.url()));
  await offline.goto(`file://${target}`);
  await expect(offline.locator('.jp-SymphonyPin')).toHaveCount(2);
  await expect(offline.locator('.jp-SymphonyExport-header')).toContainText('computes the summary, distribution');
  const age = offline.locator('.jp-SymphonyPin[data-component="distribution"]');
  const summary = offline.locator('.jp-SymphonyPin[data-component="summary"]');
  const exported = await kernelSummary([]);
  expect(await topValues(summary, 'city')).toEqual(exported.top);

  // Brush the older ages with the mouse.
  const overlay = age.locator('.jp-SymphonyView-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const box = (await overlay.boundingBox())!;
  expect(box).not.toBeNull();
  const y = box.y + box.height / 2;
  await offline.mouse.move(box.x + box.width * 0.6, y);
  await offline.mouse.down();
  await offline.mouse.move(box.x + box.width * 0.75, y, { steps: 4 });
  await offline.mouse.move(box.x + box.width * 0.9, y, { steps: 4 });
  await offline.mouse.up();
  await expect(age.locator('.jp-SymphonyPin-chip')).toContainText('age:');
  const bins = await age
    .locator('.jp-SymphonyView-bin[data-selected="true"]')
    .evaluateAll(nodes => nodes.map(b => Number(b.getAttribute('data-bin'))));
  expect(bins.length).toBeGreaterThan(0);
  const clause = {
    column: 'age',
    op: 'range',
    min: edges[Math.min(...bins)],
    max: edges[Math.max(...bins) + 1]
  };
  const filtered = await kernelSummary([clause]);
  expect(filtered.top).not.toEqual(exported.top);

  // The summary follows, offline: the kernel's rows and top cities under the same filter.
  await expect(summary.locator('.jp-SymphonyPin-status')).toContainText('Computed offline');
  await expect(summary.locator('.jp-SymphonyView-lede')).toContainText(
    `${filtered.rows.toLocaleString('en-US')} rows`
  );
  await expect.poll(() => topValues(summary, 'city')).toEqual(filtered.top);

  await summary.scrollIntoViewIfNeeded();
  const shot = path.join(SCREENSHOTS, 'exported-button-filtered.png');
  await offline.screenshot({ path: shot, fullPage: true });
  await test.info().attach('exported-button-filtered.png', { path: shot, contentType: 'image/png' });

  // Removing the brush brings the exported numbers back.
  await age.locator('.jp-SymphonyPin-chipClear').first().click();
  await expect.poll(() => topValues(summary, 'city')).toEqual(exported.top);
  await expect(summary.locator('.jp-SymphonyPin-status')).toHaveCount(0);

  // Nothing but the file itself was requested.
  expect(requests.filter(url => url !== `file://${target}`)).toEqual([]);
  await context.close();
});
