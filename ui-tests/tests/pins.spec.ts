/*
 * Pins, pinned outputs and export, in real browsers:
 * - A pins a view of the board; the cell (symphony_lab.show(...) and the
 *   view drawn from our MIME type) appears at once in B's browser on the same
 *   notebook (jupyter-collaboration carries the notebook's shared model).
 * - The notebook saved with its pin, its kernel shut down, reloaded: the
 *   pinned view is drawn from its snapshot.
 * - The board exported as HTML, opened from disk in chromium with every
 *   request recorded: none goes anywhere; a brush draws a filter on every
 *   view; hover shows the bars' values. Screenshots of each.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';
import {
  card,
  clickSuggestion,
  KERNEL_TIMEOUT,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  SCREENSHOTS,
  uploadAndRun
} from './helpers';

const FRAME = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(3)',
  'people = pd.DataFrame({"age": rng.integers(18, 90, 400), "city": rng.choice(["Lyon", "Paris", "Nice"], 400)})',
  'people.shape'
].join('\n');

/** Drag across a histogram's pointer target, from 20 % to 55 % of its width. */
async function brushOverlay(
  page: { mouse: { move: Function; down: Function; up: Function } },
  overlay: import('@playwright/test').Locator
): Promise<void> {
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  expect(box).not.toBeNull();
  const y = box!.y + box!.height / 2;
  await page.mouse.move(box!.x + box!.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(box!.x + box!.width * 0.4, y, { steps: 5 });
  await page.mouse.move(box!.x + box!.width * 0.55, y, { steps: 5 });
  await page.mouse.up();
}

const PINNED = '.jp-Cell .jp-SymphonyPin[data-component="distribution"][data-variables="people"]';

test.use({
  viewport: { width: 1440, height: 900 },
  mockUser: false,
  kernels: null,
  sessions: null
});

test.describe('Pins', () => {
  test('a pin appears for a collaborator, and reads without its kernel', async ({
    page,
    tmpPath,
    browser,
    baseURL,
    waitForApplication
  }) => {
    const file = `${tmpPath}/pins.ipynb`;
    await uploadAndRun(page, file, notebookWith(FRAME, 'frame'));
    await openPanel(page);
    await clickSuggestion(page, 'people', 'distribution');
    const view = card(page, 'distribution', 'people');
    await expect(view).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });

    // B opens the same notebook in another browser, as another user.
    const { page: pageB } = await galata.newPage({
      baseURL: baseURL!,
      browser,
      waitForApplication,
      tmpPath,
      mockUser: false,
      mockSessions: false,
      mockKernels: false
    });
    expect(await pageB.notebook.openByPath(file)).toBeTruthy();
    await expect(pageB.locator('.jp-Cell').first()).toBeVisible({ timeout: KERNEL_TIMEOUT });
    await expect(pageB.locator(PINNED)).toHaveCount(0);

    // A pins the view: a cell below the active cell, for everyone.
    await view.locator('.jp-SymphonyView-pin').click();
    const pinnedA = page.locator(PINNED);
    await expect(pinnedA).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(page.locator('.jp-Cell').nth(1)).toContainText(
      'symphony_lab.show(people, "distribution", column="age"'
    );
    // Live in A's notebook: its kernel holds people.
    await expect(pinnedA).toHaveAttribute('data-mode', 'live', { timeout: PANEL_TIMEOUT });
    await expect(pinnedA.locator('.jp-SymphonyPin-meta')).toContainText('pinned by');

    // Linked: a brush in the pinned view filters the panel's board.
    await brushOverlay(page, pinnedA.locator('.jp-SymphonyView-overlay'));
    await expect(panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]')).toBeVisible({
      timeout: PANEL_TIMEOUT
    });

    const pinnedB = pageB.locator(PINNED);
    await expect(pinnedB).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(pageB.locator('.jp-Cell').nth(1)).toContainText('symphony_lab.show(people, "distribution"');
    await saveScreenshot(page, 'pins-a.png');
    await saveScreenshot(pageB, 'pins-b.png');
    await pageB.close();

    // The file on disk carries the pin (the collaborative document is saved
    // by the server); then its kernel is shut down and the page reloaded.
    await page.keyboard.press('Control+s');
    await expect
      .poll(
        async () => {
          const res = await page.request.get(`/api/contents/${file}?content=1`);
          const cells = ((await res.json()).content?.cells ?? []) as any[];
          const pin = cells.find(c => c.metadata?.symphony_lab?.pin);
          return pin
            ? {
                mime: Object.keys(pin.outputs?.[0]?.data ?? {}).sort(),
                by: Boolean(pin.metadata.symphony_lab.pin.pinned_by?.username),
                at: typeof pin.metadata.symphony_lab.pin.pinned_at,
                annotations: pin.metadata.symphony_lab.pin.annotations
              }
            : null;
        },
        { timeout: PANEL_TIMEOUT }
      )
      .toEqual({
        mime: ['application/vnd.symphony-lab.view+json', 'image/svg+xml', 'text/html', 'text/plain'],
        by: true,
        at: 'string',
        annotations: []
      });
    const sessions = await (await page.request.get('/api/sessions')).json();
    for (const session of sessions) {
      expect((await page.request.delete(`/api/sessions/${session.id}`)).ok()).toBeTruthy();
    }
    expect(await (await page.request.get('/api/kernels')).json()).toEqual([]);
    // A fresh tab on the notebook (the file as saved, no kernel holds people).
    const again = await page.context().newPage();
    await again.goto(`${baseURL}/lab/tree/${file}`);
    const reloaded = again.locator(PINNED);
    await expect(reloaded).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(reloaded).toHaveAttribute('data-mode', 'snapshot');
    // The component's own renderer draws it (its histogram), not the static fallback.
    await expect(reloaded.locator('.jp-SymphonyView-overlay')).toBeVisible();
    await expect(reloaded.locator('.jp-SymphonyPin-summary')).toContainText(
      'Distribution of age in people (400 rows)'
    );
    await reloaded.scrollIntoViewIfNeeded();
    await again.screenshot({ path: path.join(SCREENSHOTS, 'pins-reloaded.png') });
    await test.info().attach('pins-reloaded.png', {
      path: path.join(SCREENSHOTS, 'pins-reloaded.png'),
      contentType: 'image/png'
    });
    await again.close();
  });

  test('show() in a cell draws its views, and a brush computes them again', async ({ page, tmpPath }) => {
    // Without a component: the top suggestions for people (duplicates, summary, distribution).
    await uploadAndRun(
      page,
      `${tmpPath}/show.ipynb`,
      notebookWith(FRAME + '\nimport symphony_lab\nsymphony_lab.show(people)', 'show')
    );
    const shown = page.locator('.jp-Cell .jp-SymphonyPins[data-widget="true"]');
    await expect(shown).toBeVisible({ timeout: PANEL_TIMEOUT });
    const dist = shown.locator('.jp-SymphonyPin[data-component="distribution"]');
    const summary = shown.locator('.jp-SymphonyPin[data-component="summary"]');
    await expect(dist).toHaveAttribute('data-mode', 'widget');
    await expect(summary.locator('.jp-SymphonyPin-summary')).toContainText('Summary of people: 400 rows');
    // A brush on the widget's histogram: the widget's states go to the
    // kernel, which computes the other views again on the rows kept.
    await brushOverlay(page, dist.locator('.jp-SymphonyView-overlay'));
    await expect(dist.locator('.jp-SymphonyPin-chip').first()).toContainText('age:');
    await expect(summary.locator('.jp-SymphonyPin-summary')).not.toContainText('Summary of people: 400 rows', {
      timeout: PANEL_TIMEOUT
    });
    await expect(summary.locator('.jp-SymphonyPin-summary')).toContainText(/Summary of people: \d+ rows/);
    await saveScreenshot(shown, 'pins-show-widget.png');
    // The same cards in the dark theme (theme variables only).
    await page.theme.setDarkTheme();
    await saveScreenshot(dist, 'pins-show-widget-dark.png', { scrollIntoView: true });
  });

  test('an exported board works offline from disk', async ({ page, tmpPath, browser }) => {
    await uploadAndRun(page, `${tmpPath}/export.ipynb`, notebookWith(FRAME, 'frame'));
    await openPanel(page);
    await clickSuggestion(page, 'people', 'distribution');
    await expect(card(page, 'distribution', 'people')).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await clickSuggestion(page, 'people', 'summary');
    await expect(card(page, 'summary', 'people')).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });

    // Pin board: one cell per view, in the board's order, below the active cell.
    await panel(page).locator('.jp-SymphonyBoard-pin').click();
    await expect(page.locator('.jp-Cell .jp-SymphonyPin')).toHaveCount(2, { timeout: PANEL_TIMEOUT });
    await expect(page.locator('.jp-Cell').nth(1)).toContainText('symphony_lab.show(people, "summary")');
    await expect(page.locator('.jp-Cell').nth(2)).toContainText('symphony_lab.show(people, "distribution"');

    const downloading = page.waitForEvent('download');
    await panel(page).locator('.jp-SymphonyBoard-export').click();
    const download = await downloading;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const target = path.join(SCREENSHOTS, 'exported-board.html');
    await download.saveAs(target);

    // Open it from disk in a fresh context that records every request.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const offline = await context.newPage();
    const requests: string[] = [];
    offline.on('request', request => requests.push(request.url()));
    await offline.goto(`file://${target}`);
    const dist = offline.locator('.jp-SymphonyPin[data-component="distribution"]');
    await expect(dist).toBeVisible();
    await expect(offline.locator('.jp-SymphonyPin')).toHaveCount(2);

    // Hover a bar: its value shows; brush: the filter is drawn on every view.
    const overlay = dist.locator('.jp-SymphonyView-overlay');
    const box = await overlay.boundingBox();
    expect(box).not.toBeNull();
    await offline.mouse.move(box!.x + box!.width * 0.5, box!.y + box!.height * 0.6);
    await offline.mouse.move(box!.x + box!.width * 0.2, box!.y + box!.height / 2);
    await offline.mouse.down();
    await offline.mouse.move(box!.x + box!.width * 0.4, box!.y + box!.height / 2, { steps: 5 });
    await offline.mouse.move(box!.x + box!.width * 0.55, box!.y + box!.height / 2, { steps: 5 });
    await offline.mouse.up();
    await expect(offline.locator('.jp-SymphonyPin-chip').first()).toContainText('age:');
    await expect(offline.locator('.jp-SymphonyPin-chip')).toHaveCount(2);
    await offline.screenshot({ path: path.join(SCREENSHOTS, 'exported-board.png'), fullPage: true });
    await test.info().attach('exported-board.png', {
      path: path.join(SCREENSHOTS, 'exported-board.png'),
      contentType: 'image/png'
    });
    // Nothing but the file itself was requested.
    expect(requests.filter(url => url !== `file://${target}`)).toEqual([]);
    await context.close();
  });
});
