/*
 * The demo's model, end to end: the panel pairs `model` with X_test/y_test
 * and suggests its confusion matrix with the measured accuracy; clicking a
 * cell of mistakes selects those rows and the table of X_test follows;
 * the model card and the drift between the splits render. Screenshots in
 * light and dark for a person to look at.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  card,
  openAndRunDemo,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  suggestionsOf
} from './helpers';

test.use({ viewport: { width: 1440, height: 1000 } });

test.describe('Model views on the demo', () => {
  test('confusion matrix from the demo model; a cell selects rows for the table', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(240 * 1000);
    await openAndRunDemo(page, tmpPath);
    await openPanel(page);
    const confusion = suggestionsOf(page, 'model').locator(
      '.jp-SymphonyPanel-suggestion[data-component="confusion"][data-variables="model,X_test,y_test"]'
    );
    await expect(confusion).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(confusion).toContainText('accuracy 0.9', { timeout: PANEL_TIMEOUT });
    await confusion.click();
    const matrix = card(panel(page), 'confusion', 'model,X_test,y_test');
    await expect(matrix).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const cells = matrix.locator('.jp-SymphonyView-confusionView > div .jp-SymphonyView-confusionCell');
    await expect(cells).toHaveCount(4);

    // The table of X_test, then a cell of mistakes: the table shows just those rows.
    const tableSuggestion = suggestionsOf(page, 'X_test').locator(
      '.jp-SymphonyPanel-suggestion[data-component="table"][data-variables="X_test"]'
    );
    if (!(await tableSuggestion.isVisible())) {
      await suggestionsOf(page, 'X_test').locator('.jp-SymphonyPanel-moreSuggestions').click();
    }
    await tableSuggestion.click();
    const table = card(panel(page), 'table', 'X_test');
    await expect(table).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    await expect(table.locator('tbody tr')).toHaveCount(50);

    const mistake = matrix.locator('.jp-SymphonyView-confusionCell[data-diagonal="false"] button').first();
    const count = Number(await mistake.textContent());
    expect(count).toBeGreaterThan(0);
    await mistake.click();
    await expect(mistake).toHaveAttribute('aria-pressed', 'true');
    await expect(panel(page).locator('.jp-SymphonyBoard-selection')).toBeVisible();
    await expect(table.locator('.jp-SymphonyView-status')).toContainText(
      `on the selection (${count} rows)`,
      { timeout: PANEL_TIMEOUT }
    );
    await expect(table.locator('tbody tr')).toHaveCount(count);
    await saveScreenshot(panel(page), 'models-confusion-selected-light.png');

    // Clearing the selection brings every row back.
    await panel(page).locator('.jp-SymphonyBoard-selection .jp-SymphonyBoard-chipRemove').click();
    await expect(table.locator('tbody tr')).toHaveCount(50, { timeout: PANEL_TIMEOUT });

    // The model card and the drift between the splits.
    const cardSuggestion = suggestionsOf(page, 'model').locator(
      '.jp-SymphonyPanel-suggestion[data-component="model_card"]'
    );
    if (!(await cardSuggestion.isVisible())) {
      await suggestionsOf(page, 'model').locator('.jp-SymphonyPanel-moreSuggestions').click();
    }
    await cardSuggestion.click();
    const modelCard = panel(page).locator('.jp-SymphonyView[data-component="model_card"]');
    await expect(modelCard).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    await expect(modelCard.locator('.jp-SymphonyView-splits thead th')).toHaveText([
      'Metric',
      'X_test',
      'X_train'
    ]);
    await saveScreenshot(modelCard, 'models-card-light.png');

    await page.theme.setDarkTheme();
    await matrix.scrollIntoViewIfNeeded();
    await saveScreenshot(matrix, 'models-confusion-dark.png');
    await saveScreenshot(modelCard, 'models-card-dark.png');
  });
});
