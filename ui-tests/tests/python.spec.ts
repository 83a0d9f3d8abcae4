/*
 * End-to-end test of the board's shared state between the browser and
 * Python code in the kernel: brushing a histogram makes
 * `symphony_lab.selection(df)` return the rows the board shows, and
 * `symphony_lab.set_filter(...)` in a cell moves the board's chip.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import {
  brush,
  card,
  clickSuggestion,
  filteredRows,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  uploadAndRun
} from './helpers';
/** Rows of `df`: `age` is 0..99 twice (not an id, so it gets a histogram). */
const ROWS = 200;

const SOURCE = [
  'import pandas as pd',
  `df = pd.DataFrame({"age": list(range(100)) * 2, "group": ["a", "b"] * ${ROWS / 2}})`,
  'df.shape'
].join('\n');

test.use({ viewport: { width: 1440, height: 900 } });

/** Add a code cell at the end, run it, and give its text output. */
async function runCell(
  page: IJupyterLabPageFixture,
  source: string
): Promise<string> {
  const index = await page.notebook.getCellCount();
  expect(await page.notebook.addCell('code', source)).toBeTruthy();
  expect(await page.notebook.runCell(index)).toBeTruthy();
  return ((await page.notebook.getCellTextOutput(index)) ?? []).join('').trim();
}

test.describe('The board from Python', () => {
  test('selection() follows the brush, set_filter() moves the chip', async ({
    page,
    tmpPath
  }) => {
    const file = `${tmpPath}/python.ipynb`;
    await uploadAndRun(page, file, notebookWith(SOURCE, 'frame'));

    await openPanel(page);
    await expect(
      panel(page).locator('.jp-SymphonyPanel-variable[data-name="df"]')
    ).toBeVisible({ timeout: PANEL_TIMEOUT });

    // The distribution of age, and a summary that the brush filters.
    await clickSuggestion(page, 'df', 'distribution');
    const distribution = card(page, 'distribution', 'df');
    await expect(distribution).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    await clickSuggestion(page, 'df', 'summary');
    const summary = card(page, 'summary', 'df');
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    const status = summary.locator('.jp-SymphonyView-status');

    // Brush a range of bars.
    await brush(page, distribution);

    const chip = panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chip).toHaveAttribute('data-op', 'range');
    await expect(status).toContainText(/filtered: [\d,]+ of [\d,]+ rows/, {
      timeout: PANEL_TIMEOUT
    });
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    const brushed = (await filteredRows(status))?.shown ?? null;
    expect(brushed).not.toBeNull();
    expect(brushed!).toBeGreaterThan(0);
    expect(brushed!).toBeLessThan(ROWS);

    // Python sees the same rows (the kernel gets the state when it is idle:
    // ask again if the first cell ran before it arrived).
    await expect(async () => {
      const output = await runCell(
        page,
        'import symphony_lab\nlen(symphony_lab.selection(df))'
      );
      expect(output).toBe(String(brushed));
    }).toPass({ timeout: PANEL_TIMEOUT });

    // Python moves the board: the chip says 10 – 19, the summary counts 20.
    await runCell(page, "symphony_lab.set_filter('age', min=10, max=19)");
    await expect(chip.locator('.jp-SymphonyBoard-chipText')).toHaveText(
      'age: 10 – 19',
      { timeout: PANEL_TIMEOUT }
    );
    await expect(status).toContainText(`filtered: 20 of ${ROWS} rows`, {
      timeout: PANEL_TIMEOUT
    });
    // ...and the board's state came back to Python unchanged (no echo moved it).
    expect(
      await runCell(page, 'len(symphony_lab.selection(df))')
    ).toBe('20');

    // clear_filter() removes the chip.
    await runCell(page, 'symphony_lab.clear_filter()');
    await expect(chip).toHaveCount(0, { timeout: PANEL_TIMEOUT });
    await expect(status).not.toContainText('filtered', { timeout: PANEL_TIMEOUT });
  });
});
