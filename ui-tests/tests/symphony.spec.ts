/*
 * End-to-end tests of the Symphony side panel against a real Jupyter server
 * and real Python kernels: the panel is registered, it lists what the demo
 * notebook's kernel holds, it follows the active notebook, and it looks
 * right in the light and dark themes (screenshots for a human to review).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import {
  entry,
  KERNEL_TIMEOUT,
  openAndRunDemo,
  openPanel,
  panel,
  PANEL_ID,
  PANEL_TIMEOUT,
  saveScreenshot
} from './helpers';

const COMMAND = 'symphony-lab:open';

/** A notebook without cells and the python3 kernelspec (empty namespace). */
const EMPTY_NOTEBOOK = {
  cells: [],
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
};

// The whole lab must be wide enough for a notebook and the right sidebar.
test.use({ viewport: { width: 1440, height: 900 } });

/** The shape text of a variable entry. */
function shapeOf(
  page: IJupyterLabPageFixture,
  name: string,
  group?: string
): Locator {
  return entry(page, name, group).locator('.jp-SymphonyPanel-shape').first();
}

/** Format a Python shape tuple the way the panel does: "455 × 32". */
function formatShape(dims: number[]): string {
  return dims.map(n => n.toLocaleString('en-US')).join(' \u00d7 ');
}

/**
 * The shapes the notebook itself computed: the output of the cell that ends
 * with `X_train.shape, X_test.shape`, e.g. "((455, 32), (114, 32))".
 */
async function splitShapesFromNotebook(
  page: IJupyterLabPageFixture
): Promise<{ train: number[]; test: number[] }> {
  // Read from the notebook's model: windowing leaves cells out of the DOM.
  const output = await page.evaluate(() => {
    const widget = window.jupyterapp.shell.currentWidget as any;
    const cells = widget.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      if (
        cell.type === 'code' &&
        cell.sharedModel.getSource().includes('X_train.shape, X_test.shape')
      ) {
        const outputs = cell.outputs.toJSON();
        return outputs
          .map((o: any) => (o.data ? o.data['text/plain'] ?? '' : o.text ?? ''))
          .join('');
      }
    }
    return null;
  });
  expect(output, 'the demo prints the split shapes').not.toBeNull();
  const tuples = [...output!.matchAll(/\((\d+),\s*(\d+)\)/g)].map(m => [
    Number(m[1]),
    Number(m[2])
  ]);
  expect(tuples, `output of the split cell: ${output}`).toHaveLength(2);
  return { train: tuples[0], test: tuples[1] };
}

/** Wait until the panel shows a catalog (state "ok") with variables. */
async function waitForVariables(page: IJupyterLabPageFixture): Promise<void> {
  await expect(
    panel(page).locator('.jp-SymphonyPanel-state[data-state="ok"]')
  ).toBeVisible({ timeout: PANEL_TIMEOUT });
  await expect(entry(page, 'model', 'models')).toBeVisible({
    timeout: PANEL_TIMEOUT
  });
}

test.describe('Symphony panel is registered', () => {
  test('the right sidebar has a "Symphony" tab', async ({ page }) => {
    // The lab itself is up (harness check).
    await expect(page.locator('.jp-Launcher')).toBeVisible();
    const tab = page.sidebar.getTabLocator(PANEL_ID);
    await expect(tab).toHaveCount(1);
    // The tab lives in the right sidebar.
    await expect(
      page.locator(`.jp-SideBar.jp-mod-right .lm-TabBar-tab[data-id="${PANEL_ID}"]`)
    ).toHaveCount(1);
    // The panel's caption is the tab's tooltip.
    await expect(tab).toHaveAttribute('title', 'Symphony');

    await page.sidebar.openTab(PANEL_ID);
    await expect(panel(page)).toBeVisible();
    await expect(panel(page)).toHaveClass(/\bjp-SymphonyPanel\b/);
    // Without a notebook, the panel says what to do.
    await expect(
      panel(page).locator('.jp-SymphonyPanel-state[data-state]')
    ).toHaveAttribute('data-state', 'no-kernel');
    await saveScreenshot(panel(page), 'symphony-panel-no-notebook.png');
  });

  test('the command palette has "Symphony: Show panel"', async ({ page }) => {
    expect(
      await page.evaluate(
        id => window.jupyterapp.commands.hasCommand(id),
        COMMAND
      )
    ).toBe(true);

    await page.evaluate(() =>
      window.jupyterapp.commands.execute('apputils:activate-command-palette')
    );
    const palette = page.locator('#command-palette');
    await expect(palette).toBeVisible();
    await palette.locator('.lm-CommandPalette-input').fill('Symphony');
    const item = palette.locator(
      `.lm-CommandPalette-item[data-command="${COMMAND}"]`
    );
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Symphony: Show panel');

    // Running it shows the panel.
    await expect(panel(page)).toBeHidden();
    await item.click();
    await expect(panel(page)).toBeVisible();
    await expect(page.sidebar.getTabLocator(PANEL_ID)).toHaveClass(
      /lm-mod-current/
    );
  });
});

test.describe('Symphony panel with the demo notebook', () => {
  test('lists the DataFrames and the model with their shapes', async ({
    page,
    tmpPath
  }) => {
    await openAndRunDemo(page, tmpPath);
    const shapes = await splitShapesFromNotebook(page);
    await openPanel(page);
    await waitForVariables(page);

    // What the notebook computed is what the panel shows.
    await expect(shapeOf(page, 'X_train', 'dataframes')).toHaveText(
      formatShape(shapes.train)
    );
    await expect(shapeOf(page, 'X_test', 'dataframes')).toHaveText(
      formatShape(shapes.test)
    );
    await expect(entry(page, 'X_train')).toHaveAttribute(
      'data-kind',
      'dataframe'
    );
    await expect(shapeOf(page, 'X_train')).toHaveText('455 \u00d7 32');
    // df: 30 measurements, the target, its label and two engineered ratios.
    await expect(shapeOf(page, 'df', 'dataframes')).toHaveText('569 \u00d7 34');
    await expect(shapeOf(page, 'X', 'dataframes')).toHaveText('569 \u00d7 32');

    // Series and arrays land in their own groups.
    await expect(shapeOf(page, 'y_train', 'series')).toHaveText('455');
    await expect(shapeOf(page, 'y_test', 'series')).toHaveText('114');
    await expect(entry(page, 'y_pred', 'arrays')).toHaveAttribute(
      'data-kind',
      'array'
    );
    await expect(shapeOf(page, 'y_pred', 'arrays')).toHaveText('114');
    await expect(shapeOf(page, 'proba', 'arrays')).toHaveText('114');

    // The fitted model is in the models group, and only there.
    const model = entry(page, 'model', 'models');
    await expect(model).toHaveCount(1);
    await expect(model).toHaveAttribute('data-kind', 'model');
    await expect(model).toContainText('RandomForestClassifier');
    await expect(entry(page, 'model')).toHaveCount(1);

    // Objects of other kinds (the sklearn Bunch, a list of names, modules,
    // functions) are not listed, and nothing failed to be described.
    for (const name of ['data', 'feature_columns', 'np', 'pd', 'train_test_split']) {
      await expect(entry(page, name)).toHaveCount(0);
    }
    await expect(
      panel(page).locator('.jp-SymphonyPanel-group[data-kind-group="errors"]')
    ).toHaveCount(0);

    // The catalog describes the namespace after the last cell the notebook
    // ran, and reading it did not spend an execution count: the panel's
    // "as of execution N" is the notebook's last prompt, and each code cell
    // got exactly one count. (Read from the notebook's model: windowing
    // leaves cells out of the DOM.)
    const { codeCells, lastCount } = await page.evaluate(() => {
      const widget = window.jupyterapp.shell.currentWidget as any;
      const cells = widget.content.model.cells;
      let codeCells = 0;
      let lastCount = 0;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code') {
          codeCells += 1;
          lastCount = Math.max(lastCount, cell.executionCount ?? 0);
        }
      }
      return { codeCells, lastCount };
    });
    expect(lastCount).toBe(codeCells);
    await expect(panel(page).locator('.jp-SymphonyPanel-asOf')).toContainText(
      `execution ${lastCount}`
    );

    // One more cell: the panel follows, and the cell gets the next count
    // (the panel's reads of the kernel in between spent none).
    const index = await page.notebook.getCellCount();
    expect(
      await page.notebook.addCell('code', 'X_small = X_test.head(10)')
    ).toBeTruthy();
    expect(await page.notebook.runCell(index)).toBeTruthy();
    const newCount = await page.evaluate(i => {
      const widget = window.jupyterapp.shell.currentWidget as any;
      return widget.content.model.cells.get(i).executionCount;
    }, index);
    expect(newCount).toBe(lastCount + 1);
    await expect(shapeOf(page, 'X_small', 'dataframes')).toHaveText(
      '10 \u00d7 32',
      { timeout: PANEL_TIMEOUT }
    );
    await expect(panel(page).locator('.jp-SymphonyPanel-asOf')).toContainText(
      `execution ${lastCount + 1}`
    );
  });

  test('follows the active notebook and its kernel', async ({
    page,
    tmpPath
  }) => {
    await openAndRunDemo(page, tmpPath);
    await openPanel(page);
    await waitForVariables(page);
    await expect(panel(page).locator('.jp-SymphonyPanel-title')).toHaveText(
      'demo.ipynb'
    );

    // A second notebook with a fresh kernel: nothing to show.
    expect(
      await page.contents.uploadContent(
        JSON.stringify(EMPTY_NOTEBOOK),
        'text',
        `${tmpPath}/scratch.ipynb`
      )
    ).toBeTruthy();
    expect(await page.notebook.openByPath(`${tmpPath}/scratch.ipynb`)).toBeTruthy();
    expect(await page.notebook.activate('scratch.ipynb')).toBeTruthy();
    await expect(panel(page).locator('.jp-SymphonyPanel-title')).toHaveText(
      'scratch.ipynb'
    );
    const state = panel(page).locator('.jp-SymphonyPanel-state');
    await expect(state).toHaveAttribute('data-state', 'ok', {
      timeout: KERNEL_TIMEOUT
    });
    await expect(state).toHaveAttribute('data-empty', 'true');
    await expect(panel(page).locator('.jp-SymphonyPanel-variable')).toHaveCount(0);
    await expect(entry(page, 'X_train')).toHaveCount(0);
    await saveScreenshot(panel(page), 'symphony-panel-empty.png');

    // It is really this kernel that is watched: a DataFrame made here shows
    // up, and none of the demo's.
    expect(
      await page.notebook.setCell(
        0,
        'code',
        'import pandas as pd\nsmall = pd.DataFrame({"a": range(1500), "b": 0.5})'
      )
    ).toBeTruthy();
    expect(await page.notebook.run()).toBeTruthy();
    await expect(shapeOf(page, 'small', 'dataframes')).toHaveText(
      '1,500 \u00d7 2',
      { timeout: PANEL_TIMEOUT }
    );
    await expect(panel(page).locator('.jp-SymphonyPanel-variable')).toHaveCount(1);
    await expect(entry(page, 'model')).toHaveCount(0);

    // Back to the demo: its variables again, not the scratch ones.
    expect(await page.notebook.activate('demo.ipynb')).toBeTruthy();
    await expect(panel(page).locator('.jp-SymphonyPanel-title')).toHaveText(
      'demo.ipynb'
    );
    await expect(shapeOf(page, 'X_train', 'dataframes')).toHaveText(
      '455 \u00d7 32',
      { timeout: PANEL_TIMEOUT }
    );
    await expect(entry(page, 'model', 'models')).toBeVisible();
    await expect(entry(page, 'small')).toHaveCount(0);
    await expect(state).toHaveAttribute('data-state', 'ok');
  });

  test('screenshots in the light and dark themes', async ({
    page,
    tmpPath
  }) => {
    await openAndRunDemo(page, tmpPath);
    await openPanel(page);
    await waitForVariables(page);
    // Open one entry of each kind so the details are in the pictures too.
    await entry(page, 'X_train').locator('summary').click();
    await entry(page, 'model').locator('summary').click();
    await expect(entry(page, 'X_train')).toHaveAttribute('open', '');
    // Let the notebook settle at the top (no cursor blinking in the shot).
    await page.notebook.selectCells(0);

    await page.theme.setLightTheme();
    expect(await page.theme.getTheme()).toBe('JupyterLab Light');
    await expect(panel(page)).toBeVisible();
    await waitForVariables(page);
    await saveScreenshot(page, 'symphony-light.png');
    await saveScreenshot(panel(page), 'symphony-panel-light.png');

    await page.theme.setDarkTheme();
    expect(await page.theme.getTheme()).toBe('JupyterLab Dark');
    await expect(panel(page)).toBeVisible();
    await waitForVariables(page);
    // The panel follows the theme: its text is light on the dark sidebar.
    const color = await entry(page, 'X_train')
      .locator('.jp-SymphonyPanel-name')
      .evaluate(node => getComputedStyle(node).color);
    const [r, g, b] = (color.match(/\d+/g) ?? ['0', '0', '0'])
      .slice(0, 3)
      .map(Number);
    expect(
      (r + g + b) / 3,
      `variable name colour ${color} in the dark theme`
    ).toBeGreaterThan(150);
    await saveScreenshot(page, 'symphony-dark.png');
    await saveScreenshot(panel(page), 'symphony-panel-dark.png');
  });
});
