/*
 * The embedding map end to end: a frame with a planted cluster of rows far
 * from the rest is suggested a map; the map draws its points (WebGL, or the
 * canvas 2D fallback); a lasso drawn around the cluster selects exactly its
 * rows, and the table on the same board follows. Screenshots light and dark
 * (ui-tests/screenshots/, gitignored) for a human to look at.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import {
  card,
  entry,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  suggestionsOf,
  uploadAndRun
} from './helpers';

const ROWS = 600;
const CLUSTER = 60;

/**
 * Five numeric columns; rows 0..CLUSTER-1 are shifted by +9 on three of them.
 * PCA's first axis separates them, and its sign makes the largest loading
 * positive: the cluster is at the right end of the map, the rest within the
 * left half.
 */
const PLANT = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(5)',
  `points = pd.DataFrame(rng.normal(size=(${ROWS}, 5)), columns=["a", "b", "c", "d", "e"])`,
  `points.loc[:${CLUSTER - 1}, ["a", "b", "c"]] += 9.0`,
  `points["group"] = np.where(np.arange(${ROWS}) < ${CLUSTER}, "planted", "rest")`,
  'points.shape'
].join('\n');

test.use({ viewport: { width: 1440, height: 1000 } });

/**
 * Open a view from a suggestion (expanding "more" when it is not among the first) and wait for its card.
 * (Opening a view re-renders the list, which may fold "more" again: the card is what tells it opened.)
 */
async function openSuggested(page: IJupyterLabPageFixture, name: string, component: string): Promise<void> {
  const list = suggestionsOf(page, name);
  const suggestion = list.locator(`.jp-SymphonyPanel-suggestion[data-component="${component}"][data-variables="${name}"]`);
  await expect(list.locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({ timeout: PANEL_TIMEOUT });
  if ((await suggestion.count()) === 0) {
    const more = list.locator('.jp-SymphonyPanel-moreSuggestions');
    if ((await more.getAttribute('aria-expanded')) !== 'true') {
      await more.click();
    }
  }
  await suggestion.click();
  await expect(card(panel(page), component, name)).toBeVisible({ timeout: PANEL_TIMEOUT });
}

test.describe('Embedding map', () => {
  test('the map renders, a lasso selects the planted cluster and the table follows', async ({
    page,
    tmpPath
  }) => {
    await uploadAndRun(page, `${tmpPath}/embedding.ipynb`, notebookWith(PLANT));
    await openPanel(page);
    await expect(entry(page, 'points')).toBeVisible({ timeout: PANEL_TIMEOUT });

    await openSuggested(page, 'points', 'table');
    await openSuggested(page, 'points', 'embedding');
    const map = card(panel(page), 'embedding', 'points');
    await expect(map).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const scatter = map.locator('.jp-SymphonyScatter');
    await expect(scatter).toHaveAttribute('data-renderer', /^(webgl|canvas)$/);
    await expect(scatter).toHaveAttribute('data-frame', 'points');
    await expect(map.locator('.jp-SymphonyEmbedding-caption')).toContainText(`${ROWS} points`);
    await expect(map.locator('.jp-SymphonyEmbedding-caption')).toContainText('PCA of 5 numeric columns');

    // Colour by the group column: the legend lists both groups with their sizes.
    await map.locator('.jp-SymphonyEmbedding-color select').selectOption('column:group');
    await expect(map.locator('.jp-SymphonyEmbedding-legend li[data-value="planted"]')).toContainText(
      String(CLUSTER),
      { timeout: PANEL_TIMEOUT }
    );

    await saveScreenshot(map, 'embedding-map-light.png', { scrollIntoView: true });

    // A lasso around the right 40% of the map (the cluster, nothing else).
    const table = card(panel(page), 'table', 'points');
    await map.locator('.jp-SymphonyEmbedding-lassoButton').click();
    const b = (await scatter.boundingBox())!;
    expect(b.width).toBeGreaterThan(100);
    const left = b.x + b.width * 0.6;
    const right = b.x + b.width - 2;
    const top = b.y + 2;
    const bottom = b.y + b.height - 2;
    await page.mouse.move(left, top);
    await page.mouse.down();
    await page.mouse.move(right, top, { steps: 8 });
    await page.mouse.move(right, bottom, { steps: 8 });
    await page.mouse.move(left, bottom, { steps: 8 });
    await page.mouse.move(left, top + 4, { steps: 8 });
    await page.mouse.up();
    await expect(map.locator('.jp-SymphonyEmbedding-clear')).toBeVisible();
    await expect(map.locator('.jp-SymphonyEmbedding-caption')).toContainText(`${ROWS} points`);
    await expect(table.locator('.jp-SymphonyView-status')).toContainText(`on the selection (${CLUSTER} rows)`, {
      timeout: PANEL_TIMEOUT
    });
    // The table shows the planted rows only.
    await expect(table.locator('tbody tr').first().locator('th.jp-SymphonyView-lead')).toHaveText('0');
    await saveScreenshot(map, 'embedding-lasso-light.png', { scrollIntoView: true });

    // Hovering a point of the cluster names its row (an index label of the planted rows).
    await map.locator('.jp-SymphonyEmbedding-lassoButton').click();
    const tooltip = map.locator('.jp-SymphonyEmbedding-hover');
    let found = false;
    for (let fx = 0.62; fx < 0.98 && !found; fx += 0.03) {
      for (let fy = 0.1; fy < 0.9 && !found; fy += 0.04) {
        await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy);
        found = (await tooltip.count()) > 0;
      }
    }
    expect(found, 'hovering the cluster shows a tooltip').toBe(true);
    const label = ((await tooltip.textContent()) ?? '').split(' · ');
    expect(Number(label[0])).toBeLessThan(CLUSTER); // a planted row's index label
    expect(label[1]).toBe('planted');
    // Pan and zoom keep drawing.
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.5);
    await page.mouse.wheel(0, -400);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.35, b.y + b.height * 0.55, { steps: 4 });
    await page.mouse.up();
    await expect(scatter).toHaveAttribute('data-frame', /^(points|overview|density)$/);
    await map.locator('.jp-SymphonyEmbedding-fit').click();

    await page.theme.setDarkTheme();
    await saveScreenshot(map, 'embedding-lasso-dark.png', { scrollIntoView: true });
    // Clearing the selection gives the table every row back.
    await map.locator('.jp-SymphonyEmbedding-clear').click();
    await expect(table.locator('.jp-SymphonyView-status')).not.toContainText('on the selection', {
      timeout: PANEL_TIMEOUT
    });
    await expect(table.locator('tbody tr')).toHaveCount(50);
    await page.theme.setLightTheme();
  });

  test('above two million points the map is a density raster, and zooming in brings the points of the window', async ({
    page,
    tmpPath
  }) => {
    // 2.1M rows in two far-apart blobs: more points than the map sends (max_points, 2,000,000)
    const big = [
      'import numpy as np',
      'import pandas as pd',
      'rng = np.random.default_rng(2)',
      'n = 2_100_000',
      'blob = rng.integers(0, 2, n)',
      'many = pd.DataFrame(rng.normal(size=(n, 3)).astype("float32") + blob[:, None] * 12, columns=["u", "v", "w"])',
      'many.shape'
    ].join('\n');
    await uploadAndRun(page, `${tmpPath}/big.ipynb`, notebookWith(big));
    await openPanel(page);
    await expect(entry(page, 'many')).toBeVisible({ timeout: PANEL_TIMEOUT });
    await openSuggested(page, 'many', 'embedding');
    const map = card(panel(page), 'embedding', 'many');
    await expect(map).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const view = map.locator('.jp-SymphonyEmbedding');
    await expect(view).toHaveAttribute('data-mode', 'raster');
    await expect(map.locator('.jp-SymphonyScatter')).toHaveAttribute('data-frame', 'raster');
    await expect(map.locator('.jp-SymphonyEmbedding-caption')).toContainText('as a density map');
    await saveScreenshot(map, 'embedding-raster-light.png', { scrollIntoView: true });
    // Zoom in 4x on the middle of the left half (inside one blob): the window holds under 2M points.
    const b = (await map.locator('.jp-SymphonyScatter').boundingBox())!;
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.5);
    for (let i = 0; i < 4; i++) {
      await page.mouse.wheel(0, -350);
      await page.waitForTimeout(50);
    }
    await expect(view).toHaveAttribute('data-mode', 'points', { timeout: PANEL_TIMEOUT });
    await expect(map.locator('.jp-SymphonyEmbedding-caption')).toContainText('window of the map');
    await saveScreenshot(map, 'embedding-window-light.png', { scrollIntoView: true });
    // Fit: every point again, as the raster.
    await map.locator('.jp-SymphonyEmbedding-fit').click();
    await expect(view).toHaveAttribute('data-mode', 'raster', { timeout: PANEL_TIMEOUT });
  });
});
