/*
 * Pins, pinned outputs and export, in real browsers:
 * - A pins a view of the board; the cell (symphony_lab.show(...) and the
 *   view drawn from our MIME type) appears at once in B's browser on the same
 *   notebook (jupyter-collaboration carries the notebook's shared model).
 * - A comments on the view first: the pin records the thread (cell metadata
 *   and output), shown under the pinned view as sanitized Markdown.
 * - The notebook saved with its pin, its kernel shut down, opened again with
 *   no kernel at all: the pinned view is drawn from its snapshot and says so.
 * - Pins into an untitled notebook never saved, and into a read-only one
 *   (a file the server cannot write): a clear message, no cell.
 * - The board exported as HTML, opened from disk in chromium with every
 *   request recorded: none goes anywhere; a brush draws a filter on every
 *   view; hover shows the bars' values. Screenshots of each.
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';
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

/** A comment with Markdown and markup that must not survive the sanitizer. */
const NOTE = '**Ages** look right <img src="x" onerror="window.__pinXss = 1">';

/** The error toast of a pin that could not be made. */
function pinError(page: IJupyterLabPageFixture) {
  return page.locator('.jp-Notification-Toast-error', { hasText: 'Could not pin' });
}

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

    // A comments on the view (the board's thread that the pin will record).
    const bar = panel(page)
      .locator('.jp-SymphonyBoard-item', {
        has: page.locator('.jp-SymphonyView[data-component="distribution"][data-variables="people"]')
      })
      .locator('.jp-SymphonyCollab-viewBar');
    await expect(bar).toBeVisible({ timeout: PANEL_TIMEOUT });
    await bar.locator('.jp-SymphonyCollab-commentsToggle').click();
    await bar.locator('.jp-SymphonyNote-input').fill(NOTE);
    await bar.locator('.jp-SymphonyNote-submit').click();
    await expect(bar.locator('.jp-SymphonyNote')).toHaveCount(1, { timeout: PANEL_TIMEOUT });

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
    // The thread under the view, read-only, as sanitized Markdown.
    const notesA = pinnedA.locator('.jp-SymphonyPinNotes');
    await expect(notesA.locator('.jp-SymphonyPinNotes-note')).toHaveCount(1);
    await expect(notesA.locator('.jp-SymphonyNote-text strong')).toHaveText('Ages');
    await expect(notesA.locator('img[onerror]')).toHaveCount(0);
    await expect(notesA.locator('textarea, button')).toHaveCount(0);

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
                annotations: (pin.metadata.symphony_lab.pin.annotations ?? []).map((t: any) => t.text),
                plain: String(pin.outputs[0].data['text/plain']).includes('Comments (1):'),
                html: String(pin.outputs[0].data['text/html']).includes('&lt;img src=&quot;x&quot;')
              }
            : null;
        },
        { timeout: PANEL_TIMEOUT }
      )
      .toEqual({
        mime: ['application/vnd.symphony-lab.view+json', 'image/svg+xml', 'text/html', 'text/plain'],
        by: true,
        at: 'string',
        annotations: [NOTE],
        plain: true,
        html: true
      });
    // The kernel is shut down (every session of the notebook ends).
    const sessions = await (await page.request.get('/api/sessions')).json();
    for (const session of sessions) {
      expect((await page.request.delete(`/api/sessions/${session.id}`)).ok()).toBeTruthy();
    }
    expect(await (await page.request.get('/api/kernels')).json()).toEqual([]);
    // A fresh tab, an empty workspace, and the notebook opened with no kernel
    // (the kernel dialog's "No Kernel": JupyterLab starts none).
    const again = await page.context().newPage();
    await again.goto(`${baseURL}/lab/workspaces/no-kernel?reset`);
    await again.waitForFunction(() => !!(window as any).jupyterapp, null, { timeout: PANEL_TIMEOUT });
    await again.evaluate(async path => {
      const app = (window as any).jupyterapp;
      await app.restored;
      await app.commands.execute('docmanager:open', {
        path,
        factory: 'Notebook',
        kernelPreference: { shouldStart: false, canStart: true, autoStartDefault: false }
      });
    }, file);
    const reloaded = again.locator(PINNED);
    await expect(reloaded).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(again.locator('.jp-NotebookPanel-toolbar .jp-KernelName')).toHaveText('No Kernel');
    // Drawn from its snapshot, and saying so.
    await expect(reloaded).toHaveAttribute('data-mode', 'snapshot');
    await expect(reloaded.locator('.jp-SymphonyPin-mode')).toHaveText('snapshot');
    // The component's own renderer draws it (its histogram), not the static fallback.
    await expect(reloaded.locator('.jp-SymphonyView-overlay')).toBeVisible();
    await expect(reloaded.locator('.jp-SymphonyPin-summary')).toContainText(
      'Distribution of age in people (400 rows)'
    );
    await expect(reloaded.locator('.jp-SymphonyPinNotes .jp-SymphonyNote-text strong')).toHaveText('Ages');
    // Still no kernel: nothing was started to draw it.
    expect(await (await again.request.get('/api/kernels')).json()).toEqual([]);
    expect(await again.evaluate(() => (window as any).__pinXss)).toBeUndefined();
    await again
      .locator('.jp-Cell', { has: again.locator('.jp-SymphonyPin[data-component="distribution"]') })
      .evaluate(node => node.scrollIntoView({ block: 'start' }));
    await again.screenshot({ path: path.join(SCREENSHOTS, 'pins-no-kernel.png') });
    await test.info().attach('pins-no-kernel.png', {
      path: path.join(SCREENSHOTS, 'pins-no-kernel.png'),
      contentType: 'image/png'
    });
    await again.close();
  });

  test('an untitled notebook never saved, and a read-only one, cannot take a pin: the message says why', async ({
    page,
    tmpPath
  }) => {
    // 1. File › New › Notebook: "Untitled.ipynb", never saved by its user.
    await page.evaluate(async dir => {
      const app = (window as any).jupyterapp;
      await app.commands.execute('notebook:create-new', { cwd: dir, kernelName: 'python3' });
    }, tmpPath);
    await expect(page.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible({ timeout: KERNEL_TIMEOUT });
    await expect(
      page.locator('#jp-main-statusbar').getByText('Idle', { exact: false })
    ).toBeVisible({ timeout: KERNEL_TIMEOUT });
    await page.notebook.setCell(0, 'code', FRAME);
    await page.notebook.runCell(0);
    await openPanel(page);
    await clickSuggestion(page, 'people', 'distribution');
    const view = card(page, 'distribution', 'people');
    await expect(view).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const cells = await page.locator('.jp-NotebookPanel .jp-Cell').count();
    await view.locator('.jp-SymphonyView-pin').click();
    await expect(pinError(page)).toContainText(
      'This notebook has not been saved yet: save it, then pin the view.'
    );
    await expect(page.locator('.jp-NotebookPanel .jp-Cell')).toHaveCount(cells);
    await expect(page.locator(PINNED)).toHaveCount(0);
    await saveScreenshot(page, 'pins-unsaved.png');
    // Saved under a name (the rename dialog of a first save), the same pin goes in.
    await page.keyboard.press('Control+s');
    const rename = page.locator('.jp-Dialog', { hasText: 'Rename file' });
    await expect(rename).toBeVisible();
    await rename.locator('.jp-Dialog-body input:not([type="checkbox"])').first().fill('explore.ipynb');
    await rename.locator('.jp-mod-accept').click();
    await expect
      .poll(async () => (await page.request.get(`/api/contents/${tmpPath}/explore.ipynb`)).ok(), {
        timeout: PANEL_TIMEOUT
      })
      .toBe(true);
    // Seen once on this machine: the file browser's listing of the folder,
    // made while the rename was under way, answered 404 and JupyterLab said
    // "Directory not found". That is the file browser's, not the pin's: close it.
    const lost = page.locator('.jp-Dialog', { hasText: 'Directory not found' });
    if (await lost.isVisible()) {
      await lost.locator('.jp-mod-accept, .jp-mod-reject').first().click();
    }
    await view.locator('.jp-SymphonyView-pin').click();
    await expect(page.locator(PINNED)).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(page.locator('.jp-NotebookPanel .jp-Cell')).toHaveCount(cells + 1);

    // 2. A notebook the server cannot write (read-only on disk).
    const file = `${tmpPath}/shared-readonly.ipynb`;
    expect(await page.contents.uploadContent(notebookWith(FRAME, 'frame'), 'text', file)).toBeTruthy();
    const root = await page.evaluate(() => {
      const data = document.getElementById('jupyter-config-data');
      return JSON.parse(data?.textContent ?? '{}').serverRoot as string;
    });
    const onDisk = path.join(root, file);
    expect(fs.existsSync(onDisk)).toBe(true);
    fs.chmodSync(onDisk, 0o444);
    // root writes through file modes: an immutable file is read-only for it too.
    const immutable = process.getuid?.() === 0;
    if (immutable) {
      execFileSync('chattr', ['+i', onDisk]);
    }
    try {
      const model = await (await page.request.get(`/api/contents/${file}?content=0`)).json();
      expect(model.writable).toBe(false);
      await page.evaluate(async path => {
        await (window as any).jupyterapp.commands.execute('docmanager:open', { path, factory: 'Notebook' });
      }, file);
      const readOnly = page.locator('.jp-NotebookPanel:visible');
      await expect(readOnly.locator('.jp-Cell')).toHaveCount(1, { timeout: KERNEL_TIMEOUT });
      await expect(
        page.locator('#jp-main-statusbar').getByText('Idle', { exact: false })
      ).toBeVisible({ timeout: KERNEL_TIMEOUT });
      await page.evaluate(async () => {
        await (window as any).jupyterapp.commands.execute('notebook:run-all-cells');
      });
      await clickSuggestion(page, 'people', 'distribution');
      await expect(view).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
      // The earlier message closed, so that this one is seen alone.
      await page
        .locator('.jp-Notification-Toast-error .jp-Notification-Toast-Close')
        .evaluateAll(buttons => buttons.forEach(b => (b as HTMLElement).click()));
      await expect(pinError(page)).toHaveCount(0);
      await view.locator('.jp-SymphonyView-pin').click();
      const toast = page.locator('.jp-Notification-Toast-error', { hasText: 'is read-only' });
      // Wait until it has slid in (fully inside the window) before the screenshot.
      await expect
        .poll(async () => {
          const box = await toast.boundingBox();
          return box !== null && box.x + box.width <= 1440;
        })
        .toBe(true);
      await expect(toast).toContainText(
        'This notebook is read-only: pins cannot be added to it. Save a copy (File › Save Notebook As…) and pin there.'
      );
      await expect(page.locator('.jp-NotebookPanel:visible .jp-Cell')).toHaveCount(1);
      await saveScreenshot(page, 'pins-read-only.png');
      const saved = await (await page.request.get(`/api/contents/${file}?content=1`)).json();
      expect(saved.content.cells).toHaveLength(1);
    } finally {
      if (immutable) {
        execFileSync('chattr', ['-i', onDisk]);
      }
      fs.chmodSync(onDisk, 0o644);
    }
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

    // A note on the whole board (the board's own thread, not a view's).
    await panel(page).locator('.jp-SymphonyCollab-notesToggle').click();
    const notes = panel(page).locator('.jp-SymphonyCollab-notes');
    await notes.locator('.jp-SymphonyNote-input').last().fill('Board reviewed with _the team_');
    await notes.locator('.jp-SymphonyNote-submit').last().click();
    await expect(notes.locator('.jp-SymphonyNote')).toHaveCount(1, { timeout: PANEL_TIMEOUT });

    // Pin board: one cell per view, in the board's order, below the active cell.
    await panel(page).locator('.jp-SymphonyBoard-pin').click();
    await expect(page.locator('.jp-Cell .jp-SymphonyPin')).toHaveCount(2, { timeout: PANEL_TIMEOUT });
    await expect(page.locator('.jp-Cell').nth(1)).toContainText('symphony_lab.show(people, "summary")');
    await expect(page.locator('.jp-Cell').nth(2)).toContainText('symphony_lab.show(people, "distribution"');
    // The board's thread goes with the first pinned view, said to be on the board; not with the others.
    const boardThread = page.locator('.jp-Cell').nth(1).locator('.jp-SymphonyPinNotes-thread[data-target="board"]');
    await expect(boardThread).toContainText('on the board');
    await expect(boardThread.locator('.jp-SymphonyNote-text em')).toHaveText('the team');
    await expect(page.locator('.jp-Cell').nth(2).locator('.jp-SymphonyPinNotes')).toHaveCount(0);

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
