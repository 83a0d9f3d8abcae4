/*
 * End-to-end test of the board's shared state between the browser and
 * Python code in the kernel: brushing a histogram makes
 * `symphony_lab.selection(df)` return the rows the board shows, and
 * `symphony_lab.set_filter(...)` in a cell moves the board's chip.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as path from 'path';

const PANEL_ID = 'symphony-lab-panel';
/** Kernel start plus a run of a notebook on a slow 2-core CI machine. */
const KERNEL_TIMEOUT = 90 * 1000;
/** Waiting for the panel to show a catalog, suggestions or a view. */
const PANEL_TIMEOUT = 60 * 1000;
/** Rows of `df`: `age` is 0..99 twice (not an id, so it gets a histogram). */
const ROWS = 200;

const SOURCE = [
  'import pandas as pd',
  `df = pd.DataFrame({"age": list(range(100)) * 2, "group": ["a", "b"] * ${ROWS / 2}})`,
  'df.shape'
].join('\n');

function notebookWith(source: string): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'code',
        execution_count: null,
        id: 'frame',
        metadata: {},
        outputs: [],
        source
      }
    ],
    metadata: {
      kernelspec: {
        display_name: 'Python 3 (ipykernel)',
        language: 'python',
        name: 'python3'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

test.use({ viewport: { width: 1440, height: 900 } });

function panel(page: IJupyterLabPageFixture): Locator {
  return page.locator(`#${PANEL_ID}`);
}

function card(
  page: IJupyterLabPageFixture,
  component: string,
  variables: string
): Locator {
  return panel(page).locator(
    `.jp-SymphonyView[data-component="${component}"][data-variables="${variables}"]`
  );
}

/** Click the suggestion of `component` under variable `name`. */
async function clickSuggestion(
  page: IJupyterLabPageFixture,
  name: string,
  component: string
): Promise<void> {
  const list = panel(page).locator(
    `.jp-SymphonyPanel-variable[data-name="${name}"] + .jp-SymphonyPanel-suggestions`
  );
  const suggestion = list.locator(
    `.jp-SymphonyPanel-suggestion[data-component="${component}"][data-variables="${name}"]`
  );
  await expect(list.locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({
    timeout: PANEL_TIMEOUT
  });
  if ((await suggestion.count()) === 0) {
    const more = list.locator('.jp-SymphonyPanel-moreSuggestions');
    if ((await more.getAttribute('aria-expanded')) !== 'true') {
      await more.click();
    }
  }
  await expect(suggestion).toHaveCount(1);
  await suggestion.click();
  await expect(suggestion).toHaveAttribute('data-open', 'true');
}

/** The N of "filtered: N of M rows" in a card's status line, or null. */
async function filteredRows(status: Locator): Promise<number | null> {
  const text = (await status.textContent()) ?? '';
  const match = text.match(/filtered: ([\d,]+) of ([\d,]+) rows/);
  return match ? Number(match[1].replace(/,/g, '')) : null;
}

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
    expect(
      await page.contents.uploadContent(notebookWith(SOURCE), 'text', file)
    ).toBeTruthy();
    expect(await page.notebook.openByPath(file)).toBeTruthy();
    expect(await page.notebook.activate(path.basename(file))).toBeTruthy();
    await expect(
      page.locator('#jp-main-statusbar').getByText('Idle', { exact: false })
    ).toBeVisible({ timeout: KERNEL_TIMEOUT });
    expect(await page.notebook.run()).toBeTruthy();

    await page.sidebar.openTab(PANEL_ID);
    await expect(panel(page)).toBeVisible();
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
    const overlay = distribution.locator('.jp-SymphonyView-overlay');
    await overlay.scrollIntoViewIfNeeded();
    const box = await overlay.boundingBox();
    expect(box, 'the histogram has a pointer target').not.toBeNull();
    const y = box!.y + box!.height / 2;
    await page.mouse.move(box!.x + box!.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(box!.x + box!.width * 0.35, y, { steps: 5 });
    await page.mouse.move(box!.x + box!.width * 0.55, y, { steps: 5 });
    await page.mouse.up();

    const chip = panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chip).toHaveAttribute('data-op', 'range');
    await expect(status).toContainText(/filtered: [\d,]+ of [\d,]+ rows/, {
      timeout: PANEL_TIMEOUT
    });
    await expect(summary).toHaveAttribute('data-status', 'ready', {
      timeout: PANEL_TIMEOUT
    });
    const brushed = await filteredRows(status);
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
