/*
 * A long view shows its progress and can be cancelled: near-duplicates of a
 * 1,900,000-row frame (text normalised in parts) report phases and a bar on
 * the card; Cancel drops the request, the kernel is interrupted, the card says
 * so, the user's next cell runs at once and the frame is still there.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  card,
  clickSuggestion,
  entry,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  uploadAndRun
} from './helpers';

const SLOW = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(1)',
  'words = np.array([f"  Name {i} " for i in range(50_000)])',
  'slow = pd.DataFrame({"name": words[rng.integers(0, 50_000, 1_900_000)], "x": rng.integers(0, 3, 1_900_000)})',
  'slow.shape'
].join('\n');

test.use({ viewport: { width: 1440, height: 900 } });

test('a long view shows progress and is cancelled from the card', async ({ page, tmpPath }) => {
  await uploadAndRun(page, `${tmpPath}/slow.ipynb`, notebookWith(SLOW));
  await openPanel(page);
  await expect(entry(page, 'slow')).toBeVisible({ timeout: PANEL_TIMEOUT });
  await clickSuggestion(page, 'slow', 'duplicates');
  const view = card(panel(page), 'duplicates', 'slow');
  await expect(view).toHaveAttribute('data-status', 'ready', { timeout: 2 * PANEL_TIMEOUT });

  // Near-duplicates: seconds of work, reported as it goes.
  // (The box follows the answer: it stays unchecked while the view computes.)
  await view.locator('.jp-SymphonyView-near input').click();
  const progress = view.locator('.jp-SymphonyView-progress');
  await expect(progress).toBeVisible({ timeout: PANEL_TIMEOUT });
  await expect(progress.locator('progress')).toHaveAttribute('value', /.+/);
  await expect(progress).toContainText('%');
  // Cancel while it still runs (a theme switch here would take longer than the work on a quiet machine).
  await progress.getByRole('button', { name: /Cancel computing/ }).click();
  await expect(view).toHaveAttribute('data-status', 'error');
  await expect(view.locator('.jp-SymphonyView-status')).toHaveText('Cancelled.');
  await expect(view.locator('.jp-SymphonyView-retry')).toBeVisible();

  // The kernel was interrupted: a cell runs at once, the frame is intact.
  const took = await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const widgets = Array.from(app.shell.widgets('main')) as any[];
    const kernel = widgets.map(w => w.sessionContext?.session?.kernel).find(k => k);
    const started = performance.now();
    const reply = await kernel.requestExecute({ code: 'assert slow.shape == (1_900_000, 2)' }).done;
    return { ms: performance.now() - started, status: reply.content.status };
  });
  expect(took.status).toBe('ok');
  expect(took.ms).toBeLessThan(2000);
});
