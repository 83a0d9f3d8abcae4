/*
 * End-to-end tests of findings, suggestions and the linked board against a
 * real Jupyter server and real Python kernels: frames with planted
 * duplicates and train/test leakage raise findings with the right numbers;
 * a suggestion opens a distribution and a summary; brushing the histogram
 * filters the summary (a chip, "filtered: N of M rows"), removing the chip
 * undoes it; the demo notebook gets suggestions and a summary with a row
 * per column. Screenshots of the panel (light and dark) for a human.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  brush,
  card,
  clickSuggestion,
  entry,
  filteredRows,
  notebookWith,
  openAndRunDemo,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  uploadAndRun
} from './helpers';

/** Rows of `train` before the planted duplicates. */
const BASE_ROWS = 500;
/** Rows of `train` copied once more at its end. */
const DUPLICATED = 37;
/** Rows of `test` taken from `train`. */
const SHARED = 50;
/** Rows of `test` of its own. */
const TEST_OWN = 150;
const TRAIN_ROWS = BASE_ROWS + DUPLICATED;
const TEST_ROWS = SHARED + TEST_OWN;

/**
 * Frames with planted problems: `train` holds 37 rows twice, `test` shares
 * 50 rows with `train` (rows the duplicates do not touch). Two numeric
 * columns: `age` (integers, many repeats: the distribution's column) and
 * `income` (floats, distinct: every row is unique before the planting).
 */
const PLANT = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(0)',
  `base = pd.DataFrame({"age": rng.integers(18, 90, ${BASE_ROWS}), "income": rng.normal(50_000, 15_000, ${BASE_ROWS}).round(2)})`,
  `train = pd.concat([base, base.iloc[:${DUPLICATED}]], ignore_index=True)`,
  `own = pd.DataFrame({"age": rng.integers(18, 90, ${TEST_OWN}), "income": rng.normal(50_000, 15_000, ${TEST_OWN}).round(2) + 0.005})`,
  `test = pd.concat([base.iloc[100:${100 + SHARED}], own], ignore_index=True)`,
  'del base, own',
  'train.shape, test.shape'
].join('\n');

// The whole lab must be wide enough for a notebook and the right sidebar.
test.use({ viewport: { width: 1440, height: 900 } });

test.describe('Findings and the linked board', () => {
  test('planted duplicates and leakage, brushing a histogram filters the summary', async ({
    page,
    tmpPath
  }) => {
    await uploadAndRun(page, `${tmpPath}/planted.ipynb`, notebookWith(PLANT));
    await openPanel(page);
    await expect(entry(page, 'train')).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(entry(page, 'test')).toBeVisible();
    await expect(entry(page, 'train').locator('.jp-SymphonyPanel-shape')).toHaveText(
      `${TRAIN_ROWS} \u00d7 2`
    );
    await expect(entry(page, 'test').locator('.jp-SymphonyPanel-shape')).toHaveText(
      `${TEST_ROWS} \u00d7 2`
    );

    // Findings, with the numbers planted.
    const findings = panel(page).locator('.jp-SymphonyPanel-findings');
    await expect(findings).toBeVisible({ timeout: PANEL_TIMEOUT });
    const leakage = findings.locator('.jp-SymphonyPanel-finding[data-kind="leakage"]');
    await expect(leakage).toHaveCount(1, { timeout: PANEL_TIMEOUT });
    await expect(leakage).toHaveAttribute('data-severity', 'high');
    await expect(leakage.locator('.jp-SymphonyPanel-findingMessage')).toHaveText(
      `${SHARED} rows of test also appear in train ` +
        `(${((100 * SHARED) / TEST_ROWS).toFixed(1)}% of test)`
    );
    const duplicates = findings.locator(
      '.jp-SymphonyPanel-finding[data-kind="duplicates"]'
    );
    await expect(duplicates).toHaveCount(1, { timeout: PANEL_TIMEOUT });
    await expect(duplicates.locator('.jp-SymphonyPanel-findingMessage')).toHaveText(
      `${2 * DUPLICATED} rows of train appear more than once ` +
        `(${DUPLICATED} extra copies in ${DUPLICATED} groups)`
    );
    // Most severe first: both are high (37 extra copies of 537 rows is over 1%).
    await expect(duplicates).toHaveAttribute('data-severity', 'high');

    // A suggestion opens the distribution of `age` (the first numeric column).
    await clickSuggestion(page, 'train', 'distribution');
    const distribution = card(page, 'distribution', 'train');
    await expect(distribution).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    const histogram = distribution.locator('svg.jp-SymphonyView-histogram');
    await expect(histogram).toBeVisible();
    await expect(distribution.locator('.jp-SymphonyView-bin').first()).toBeVisible();

    // And a summary of the same frame.
    await clickSuggestion(page, 'train', 'summary');
    const summary = card(page, 'summary', 'train');
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await expect(
      summary.locator('.jp-SymphonyView-summaryRow[data-column="age"]')
    ).toBeVisible();
    const status = summary.locator('.jp-SymphonyView-status');
    await expect(status).not.toContainText('filtered');

    // And the table of its rows; cards can be resized by their bottom edge.
    await clickSuggestion(page, 'train', 'table');
    const table = card(page, 'table', 'train');
    await expect(table).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    await expect(table.locator('.jp-SymphonyView-body')).toHaveCSS('resize', 'vertical');
    const tableStatus = table.locator('.jp-SymphonyView-status');
    await expect(tableStatus).not.toContainText('filtered');

    // Brush a range of bars: drag across the histogram's pointer target.
    await brush(page, distribution);

    const chip = panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chip).toBeVisible();
    await expect(chip).toHaveAttribute('data-op', 'range');
    await expect(distribution.locator('.jp-SymphonyView-bin[data-selected="true"]').first()).toBeVisible();

    // Every other view follows: the summary counts the rows the brush keeps.
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await expect(status).toContainText(/filtered: [\d,]+ of [\d,]+ rows/, {
      timeout: PANEL_TIMEOUT
    });
    const filtered = await filteredRows(status);
    expect(filtered).not.toBeNull();
    expect(filtered!.total).toBe(TRAIN_ROWS);
    expect(filtered!.shown).toBeGreaterThan(0);
    expect(filtered!.shown).toBeLessThan(filtered!.total);
    // The table follows too: the same rows pass, and the page shows only ages in the brushed range.
    await expect(tableStatus).toContainText(`filtered: ${filtered!.shown.toLocaleString('en-US')} of`, {
      timeout: PANEL_TIMEOUT
    });
    // The views' requests left from the extension's request worker (src/requestworker.ts), on the
    // kernel's view socket, and the worker marks each with where its time went, the server's
    // Server-Timing included.
    const marked = await page.evaluate(() =>
      (performance.getEntriesByName('symphony-lab:view-request') as PerformanceMark[]).map(m => m.detail)
    );
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.some(d => typeof d.server?.kernel === 'number' && d.requestStart >= d.fetched)).toBe(true);
    expect(marked.filter(d => d.transport === 'socket').length).toBeGreaterThan(0);
    const range = (await chip.textContent())!.match(/([\d.]+)\s*\u2013\s*([\d.]+)/);
    expect(range, 'the chip shows the brushed range').not.toBeNull();
    const ages = await table.locator('tbody tr').evaluateAll(rows =>
      rows.map(r => Number((r.querySelectorAll('td')[0] as HTMLElement).textContent))
    );
    expect(ages.length).toBeGreaterThan(0);
    for (const age of ages) {
      expect(age).toBeGreaterThanOrEqual(Math.floor(Number(range![1])));
      expect(age).toBeLessThanOrEqual(Math.ceil(Number(range![2])));
    }
    // The summary's own count of age agrees with the status.
    // (The histogram keeps its whole range: its own column is not filtered.)
    await expect(distribution).toHaveAttribute('data-status', 'ready');

    // Pictures of the panel with findings and a brushed board.
    await page.notebook.selectCells(0);
    await page.theme.setLightTheme();
    await expect(chip).toBeVisible();
    await expect(summary).toHaveAttribute('data-status', 'ready');
    await panel(page).evaluate(node => (node.scrollTop = 0));
    await saveScreenshot(page, 'board-light.png');
    await saveScreenshot(panel(page), 'board-panel-light.png');
    await page.theme.setDarkTheme();
    await expect(chip).toBeVisible();
    await panel(page).evaluate(node => (node.scrollTop = 0));
    await saveScreenshot(page, 'board-dark.png');
    await saveScreenshot(panel(page), 'board-panel-dark.png');
    // The board scrolled into view, for the cards themselves.
    await distribution.scrollIntoViewIfNeeded();
    await saveScreenshot(panel(page), 'board-panel-dark-cards.png');
    await page.theme.setLightTheme();

    // Removing the chip removes the filter: the status goes back.
    await chip.locator('.jp-SymphonyBoard-chipRemove').click();
    await expect(chip).toHaveCount(0);
    await expect(status).not.toContainText('filtered', { timeout: PANEL_TIMEOUT });
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await expect(
      distribution.locator('.jp-SymphonyView-bin[data-selected="true"]')
    ).toHaveCount(0);
  });

  test('the demo notebook gets suggestions and a summary per column', async ({
    page,
    tmpPath
  }) => {
    await openAndRunDemo(page, tmpPath);
    await openPanel(page);
    await expect(entry(page, 'X_train')).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(
      entry(page, 'X_train').locator('.jp-SymphonyPanel-shape')
    ).toHaveText('455 \u00d7 32');

    // X_train has suggestions, at least the summary.
    await clickSuggestion(page, 'X_train', 'summary');
    const summary = card(page, 'summary', 'X_train');
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    // A row per column: the 30 measurements and the two ratios.
    const rows = summary.locator('.jp-SymphonyView-summaryRow');
    await expect(rows).toHaveCount(32);
    await expect(
      summary.locator('.jp-SymphonyView-summaryRow[data-column="mean radius"]')
    ).toBeVisible();
    await expect(
      summary.locator('.jp-SymphonyView-summaryRow[data-column="area_ratio"]')
    ).toHaveAttribute('data-column-kind', 'numeric');
    // Nothing is filtered: no chip, no "filtered" in the status.
    await expect(panel(page).locator('.jp-SymphonyBoard-chip')).toHaveCount(0);
    await expect(summary.locator('.jp-SymphonyView-status')).not.toContainText(
      'filtered'
    );
    await saveScreenshot(panel(page), 'board-demo-summary-light.png');
  });
});
