/*
 * End-to-end tests of the table, correlations and outliers views on a
 * planted frame (numeric and categorical columns, one planted outlier row):
 * real content in each (a sortable, paged table; a matrix of cells; the
 * planted row first among the outliers), and screenshots of every card in
 * the right sidebar and in the main-area board, light and dark, for a human
 * to look at (ui-tests/screenshots/, gitignored).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import {
  card,
  clickSuggestion,
  entry,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  uploadAndRun
} from './helpers';

/** Rows of `people`. */
const ROWS = 300;
/** The index label of the planted outlier row. */
const OUTLIER = 137;
/** Rows per page of the table view (its default page size). */
const PAGE_SIZE = 50;

/**
 * A frame with three numeric columns (two of them correlated, one negatively
 * with the first), two categorical ones, and one row far out on every
 * numeric column: row OUTLIER.
 */
const PLANT = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(1)',
  `n = ${ROWS}`,
  'height = rng.normal(170, 8, n).round(1)',
  'people = pd.DataFrame({',
  '    "height_cm": height,',
  '    "weight_kg": (height * 0.45 + rng.normal(0, 4, n)).round(1),',
  '    "commute_minutes": (200 - height + rng.normal(0, 6, n)).round(1),',
  '    "city": rng.choice(["Lisbon", "Oslo", "Kraków", "Montréal"], n),',
  '    "plan": rng.choice(["free", "pro", "team"], n, p=[0.6, 0.3, 0.1]),',
  '})',
  `people.loc[${OUTLIER}, ["height_cm", "weight_kg", "commute_minutes"]] = [251.0, 310.0, 900.0]`,
  'people.shape'
].join('\n');

// The whole lab must be wide enough for a notebook and the right sidebar.
test.use({ viewport: { width: 1440, height: 900 } });

/** The board in the main area. */
function mainBoard(page: IJupyterLabPageFixture): Locator {
  return page.locator('#jp-main-dock-panel .jp-SymphonyBoardWidget');
}

/** The text of the index cell of the table's first row. */
async function firstRowIndex(table: Locator): Promise<string> {
  return (
    (await table
      .locator('tbody tr')
      .first()
      .locator('th.jp-SymphonyView-lead')
      .textContent()) ?? ''
  ).trim();
}

const COMPONENTS = ['summary', 'table', 'correlations', 'outliers'];

test.describe('Table, correlations and outliers', () => {
  test('a planted frame: sorted and paged rows, a matrix, the planted outlier first', async ({
    page,
    tmpPath
  }) => {
    await uploadAndRun(page, `${tmpPath}/views.ipynb`, notebookWith(PLANT));
    await openPanel(page);
    await expect(entry(page, 'people')).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(entry(page, 'people').locator('.jp-SymphonyPanel-shape')).toHaveText(
      `${ROWS} \u00d7 5`
    );

    for (const component of COMPONENTS) {
      await clickSuggestion(page, 'people', component);
      await expect(card(panel(page), component, 'people')).toHaveAttribute(
        'data-status',
        'ready',
        { timeout: PANEL_TIMEOUT }
      );
    }

    // Table: a header button per column and a page of rows.
    const table = card(panel(page), 'table', 'people');
    const heads = table.locator('thead th[data-column] button.jp-SymphonyView-sortButton');
    await expect(heads).toHaveCount(5);
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(PAGE_SIZE);
    expect(await firstRowIndex(table)).toBe('0');
    await expect(table.locator('.jp-SymphonyView-pageInfo')).toHaveText(
      `page 1 of ${Math.ceil(ROWS / PAGE_SIZE)}`
    );
    // Sorting by height (descending after a second click): the planted row first.
    const height = table.locator('thead th[data-column="height_cm"]');
    await height.locator('button').click();
    await expect(height).toHaveAttribute('aria-sort', 'ascending', {
      timeout: PANEL_TIMEOUT
    });
    await expect(table).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await expect.poll(() => firstRowIndex(table)).not.toBe('0');
    await height.locator('button').click();
    await expect(height).toHaveAttribute('aria-sort', 'descending', {
      timeout: PANEL_TIMEOUT
    });
    await expect.poll(() => firstRowIndex(table)).toBe(String(OUTLIER));
    // Back to the frame's order, then page 2.
    await height.locator('button').click();
    await expect(height).toHaveAttribute('aria-sort', 'none', {
      timeout: PANEL_TIMEOUT
    });
    await expect.poll(() => firstRowIndex(table)).toBe('0');
    await table.locator('.jp-SymphonyView-next').click();
    await expect(table.locator('.jp-SymphonyView-pageInfo')).toHaveText(
      `page 2 of ${Math.ceil(ROWS / PAGE_SIZE)}`,
      { timeout: PANEL_TIMEOUT }
    );
    await expect.poll(() => firstRowIndex(table)).toBe(String(PAGE_SIZE));
    await expect(rows).toHaveCount(PAGE_SIZE);
    await expect(table.locator('.jp-SymphonyView-rowInfo')).toHaveText(
      `rows ${PAGE_SIZE + 1}–${2 * PAGE_SIZE} of ${ROWS}`
    );

    // Correlations: a k × k matrix of cells, labelled rows and columns.
    const correlations = card(panel(page), 'correlations', 'people');
    const k = await correlations.locator('.jp-SymphonyView-heatCol').count();
    expect(k).toBeGreaterThanOrEqual(3);
    await expect(correlations.locator('.jp-SymphonyView-heatRow')).toHaveCount(k);
    await expect(correlations.locator('.jp-SymphonyView-heatCell')).toHaveCount(k * k);
    await expect(
      correlations.locator('.jp-SymphonyView-heatCol[title="height_cm"]')
    ).toBeVisible();
    await expect(
      correlations.locator('.jp-SymphonyView-heatCell[data-sign="negative"]').first()
    ).toBeVisible();
    await expect(correlations.locator('.jp-SymphonyView-pair').first()).toBeVisible();

    // Outliers: the planted row first.
    const outliers = card(panel(page), 'outliers', 'people');
    await expect(
      outliers.locator('.jp-SymphonyView-outlier').first().locator('.jp-SymphonyView-index')
    ).toHaveText(String(OUTLIER));
    await expect(
      outliers.locator('.jp-SymphonyView-outlier').first().locator('.jp-SymphonyView-becauseChip')
    ).not.toHaveCount(0);

    // Pictures: every card in the sidebar, light then dark. A tall window,
    // so that even a long card is seen whole.
    await page.notebook.selectCells(0);
    await page.setViewportSize({ width: 1440, height: 2000 });
    for (const theme of ['light', 'dark']) {
      if (theme === 'light') {
        await page.theme.setLightTheme();
      } else {
        await page.theme.setDarkTheme();
      }
      for (const component of COMPONENTS) {
        const c = card(panel(page), component, 'people');
        await expect(c).toHaveAttribute('data-status', 'ready');
        await saveScreenshot(c, `views-panel-${component}-${theme}.png`, { scrollIntoView: true });
      }
    }

    // The board in the main area: the same cards, with room.
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('symphony-lab:open-board');
    });
    await expect(mainBoard(page)).toBeVisible();
    for (const component of COMPONENTS) {
      await expect(card(mainBoard(page), component, 'people')).toHaveAttribute(
        'data-status',
        'ready',
        { timeout: PANEL_TIMEOUT }
      );
    }
    await expect(
      card(mainBoard(page), 'table', 'people').locator('.jp-SymphonyView-pageInfo')
    ).toHaveText(`page 2 of ${Math.ceil(ROWS / PAGE_SIZE)}`);
    for (const theme of ['dark', 'light']) {
      if (theme === 'light') {
        await page.theme.setLightTheme();
      } else {
        await page.theme.setDarkTheme();
      }
      for (const component of COMPONENTS) {
        const c = card(mainBoard(page), component, 'people');
        await expect(c).toHaveAttribute('data-status', 'ready');
        await saveScreenshot(c, `views-main-${component}-${theme}.png`, { scrollIntoView: true });
      }
      await saveScreenshot(page.locator('#jp-main-dock-panel'), `views-main-${theme}.png`, { scrollIntoView: true });
    }
    // And the board alone in the main area (simple mode): cards in columns.
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('application:set-mode', { mode: 'single-document' });
      window.jupyterapp.shell.activateById('symphony-lab-board');
    });
    await page.setViewportSize({ width: 1440, height: 1200 });
    for (const component of COMPONENTS) {
      await expect(card(mainBoard(page), component, 'people')).toBeVisible();
    }
    await mainBoard(page).evaluate(node => (node.scrollTop = 0));
    await saveScreenshot(mainBoard(page), 'views-main-wide-light.png', { scrollIntoView: true });
    await page.theme.setDarkTheme();
    await mainBoard(page).evaluate(node => (node.scrollTop = 0));
    await saveScreenshot(mainBoard(page), 'views-main-wide-dark.png', { scrollIntoView: true });
    await page.theme.setLightTheme();
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('application:set-mode', { mode: 'multiple-document' });
    });
  });
});
