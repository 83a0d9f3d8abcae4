/*
 * Two people on one board (jupyter-collaboration on, two browser contexts,
 * two server identities): A opens a view and brushes it, B sees the same
 * view and the same filter; B comments on the view, A sees the comment with
 * B's name (stamped by the server) rendered through the sanitizer (the
 * planted <img onerror> runs nothing); both see each other; after a reload
 * of both, the board and the comment are still there. Screenshots of both.
 */
import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import {
  brush,
  card,
  clickSuggestion,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  uploadAndRun
} from './helpers';

const FRAME = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(1)',
  'people = pd.DataFrame({"age": rng.integers(18, 90, 400), "income": rng.normal(50_000, 15_000, 400).round(2)})',
  'people.shape'
].join('\n');

const VIEW = '.jp-SymphonyView[data-component="distribution"][data-variables="people"]';

/** The collaboration bar above the distribution card. */
function viewBar(p: IJupyterLabPageFixture): Locator {
  return panel(p)
    .locator('.jp-SymphonyBoard-item', { has: p.locator(VIEW) })
    .locator('.jp-SymphonyCollab-viewBar');
}

const NOTE =
  '**Skewed** to the young <img src="x" onerror="window.__symphonyXss = 1"> [link](javascript:window.__symphonyXss=2)';

// Real identities (each context is a user of its own on the server), and the
// real lists of kernels and sessions: B joins A's session of the notebook.
test.use({
  viewport: { width: 1440, height: 900 },
  mockUser: false,
  kernels: null,
  sessions: null
});

test.describe('Collaboration on the board', () => {
  test('two users share views, brushes and comments', async ({
    page,
    tmpPath,
    browser,
    baseURL,
    waitForApplication
  }) => {
    const file = `${tmpPath}/shared.ipynb`;
    await uploadAndRun(page, file, notebookWith(FRAME, 'shared'));
    await openPanel(page);
    await clickSuggestion(page, 'people', 'distribution');
    const distA = card(page, 'distribution', 'people');
    await expect(distA).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const headerA = panel(page).locator('.jp-SymphonyCollab');
    await expect(headerA).toHaveAttribute('data-mode', 'shared', { timeout: PANEL_TIMEOUT });

    // B: another browser context, another identity, the same notebook.
    const { page: pageB } = await galata.newPage({
      baseURL: baseURL!,
      browser,
      waitForApplication,
      tmpPath,
      mockUser: false,
      // The real list of sessions: B joins A's session (and kernel) of the notebook.
      mockSessions: false,
      mockKernels: false
    });
    expect(await pageB.notebook.openByPath(file)).toBeTruthy();
    await openPanel(pageB);
    const distB = card(pageB, 'distribution', 'people');
    await expect(distB).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(distB).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const nameA = await page.evaluate(() => (window as any).jupyterapp.serviceManager.user.identity.display_name as string);
    const nameB = await pageB.evaluate(() => (window as any).jupyterapp.serviceManager.user.identity.display_name as string);
    expect(nameA).not.toEqual(nameB);
    // Each sees the other.
    await expect(panel(page).locator(`.jp-SymphonyCollab-peer[data-name="${nameB}"]`)).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(panel(pageB).locator(`.jp-SymphonyCollab-peer[data-name="${nameA}"]`)).toBeVisible({ timeout: PANEL_TIMEOUT });

    // A brushes; B sees the same filter.
    await brush(page, distA);
    const chipA = panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chipA).toBeVisible();
    const chipB = panel(pageB).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chipB).toBeVisible({ timeout: 10 * 1000 });
    expect(await chipB.textContent()).toEqual(await chipA.textContent());

    // B comments on the view.
    const barB = viewBar(pageB);
    await barB.locator('.jp-SymphonyCollab-commentsToggle').click();
    await barB.locator('.jp-SymphonyNote-input').fill(NOTE);
    await barB.locator('.jp-SymphonyNote-submit').click();
    await expect(barB.locator('.jp-SymphonyNote')).toHaveCount(1, { timeout: 10 * 1000 });

    // A sees it, with B's name, as sanitized Markdown.
    const barA = viewBar(page);
    await expect(barA.locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', { timeout: 10 * 1000 });
    await barA.locator('.jp-SymphonyCollab-commentsToggle').click();
    const noteA = barA.locator(`.jp-SymphonyNote[data-author="${nameB}"]`);
    await expect(noteA).toBeVisible();
    await expect(noteA.locator('.jp-SymphonyNote-text strong')).toHaveText('Skewed');
    await expect(noteA.locator('.jp-SymphonyNote-text img[onerror]')).toHaveCount(0);
    await expect(noteA.locator('.jp-SymphonyNote-text a[href^="javascript"]')).toHaveCount(0);
    // A did not write it: no "Edit" for A; B has one.
    await expect(noteA.locator('.jp-SymphonyNote-edit')).toHaveCount(0);
    await expect(barB.locator('.jp-SymphonyNote-edit')).toHaveCount(1);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as any).__symphonyXss)).toBeUndefined();
    expect(await pageB.evaluate(() => (window as any).__symphonyXss)).toBeUndefined();

    await saveScreenshot(panel(page), 'collab-user-a.png');
    await saveScreenshot(panel(pageB), 'collab-user-b.png');

    // Both reload: the board (view, filter) and the comment are still there.
    for (const p of [page, pageB]) {
      // A plain browser reload (not galata's, which waits for a workspace of its own).
      await Promise.all([p.waitForEvent('load'), p.evaluate(() => window.location.reload())]);
      await p.waitForFunction(() => !!(window as any).jupyterapp, null, { timeout: PANEL_TIMEOUT });
      await p.evaluate(async () => {
        await (window as any).jupyterapp.restored;
      });
      await p.evaluate(async path => {
        await (window as any).jupyterapp.commands.execute('docmanager:open', { path });
      }, file);
      await expect(p.locator('.jp-NotebookPanel')).toBeVisible({ timeout: PANEL_TIMEOUT });
      await openPanel(p);
      const dist = card(p, 'distribution', 'people');
      await expect(dist).toBeVisible({ timeout: PANEL_TIMEOUT });
      await expect(panel(p).locator('.jp-SymphonyBoard-chip[data-column="age"]')).toBeVisible({ timeout: PANEL_TIMEOUT });
      const bar = viewBar(p);
      await expect(bar.locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', { timeout: PANEL_TIMEOUT });
    }
    await pageB.close();
  });
});
