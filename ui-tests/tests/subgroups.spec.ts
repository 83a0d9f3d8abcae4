/*
 * Subgroups and label issues in the browser, on a notebook with planted
 * truth: a classifier that fails for women over 75 on its test split, and
 * training labels flipped on purpose. The panel raises both findings; the
 * worst slice selects its rows and the table of X_test follows; "select
 * all" on the label issues filters the table of X_train. Screenshots in
 * light and dark for a person to look at.
 */
import { expect, test } from '@jupyterlab/galata';
import {
  card,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  suggestionsOf,
  uploadAndRun
} from './helpers';

test.use({ viewport: { width: 1440, height: 1000 } });

const PLANT = `import numpy as np, pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
rng = np.random.default_rng(11)
def make(n):
    X = pd.DataFrame({
        "age": rng.uniform(18, 98, n).round(1),
        "sex": pd.Categorical(rng.choice(["F", "M"], n)),
        "x1": rng.normal(size=n),
        "x2": rng.normal(size=n),
    })
    return X, pd.Series((X["x1"] + 0.5 * X["x2"] > 0).astype(int), name="y")
X_train, y_train = make(1000)
X_test, y_test = make(4000)
flip = (X_test["sex"] == "F").to_numpy() & (X_test["age"] > 78).to_numpy() & (rng.random(4000) < 0.6)
y_test[flip] = 1 - y_test[flip]
wrong = rng.choice(1000, 50, replace=False)
y_train.iloc[wrong] = 1 - y_train.iloc[wrong]
clf = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X_train, y_train)
`;

async function open(page: Parameters<typeof suggestionsOf>[0], component: string, variables: string) {
  const list = suggestionsOf(page, 'clf');
  const suggestion = list.locator(
    `.jp-SymphonyPanel-suggestion[data-component="${component}"][data-variables="${variables}"]`
  );
  await expect(list.locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({ timeout: PANEL_TIMEOUT });
  if (!(await suggestion.isVisible())) {
    const more = list.locator('.jp-SymphonyPanel-moreSuggestions');
    if ((await more.getAttribute('aria-expanded')) !== 'true') {
      await more.click();
    }
  }
  await expect(suggestion).toBeVisible({ timeout: PANEL_TIMEOUT });
  await suggestion.click();
  const view = card(page, component, variables);
  await expect(view).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
  return view;
}

async function openTable(page: Parameters<typeof suggestionsOf>[0], name: string) {
  const list = suggestionsOf(page, name);
  const suggestion = list.locator(`.jp-SymphonyPanel-suggestion[data-component="table"][data-variables="${name}"]`);
  await expect(list.locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({ timeout: PANEL_TIMEOUT });
  if (!(await suggestion.isVisible())) {
    await list.locator('.jp-SymphonyPanel-moreSuggestions').click();
  }
  await suggestion.click();
  const table = card(page, 'table', name);
  await expect(table).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
  return table;
}

test.describe('Subgroups and label issues', () => {
  test('the planted blind spot and flipped labels are found and select rows', async ({ page, tmpPath }) => {
    test.setTimeout(300 * 1000);
    await uploadAndRun(page, `${tmpPath}/planted.ipynb`, notebookWith(PLANT));
    await openPanel(page);

    // Both findings, worded with their numbers.
    const blind = panel(page).locator('.jp-SymphonyPanel-finding[data-kind="blind_spot"]');
    await expect(blind).toBeVisible({ timeout: PANEL_TIMEOUT });
    // (the panel draws the slice, written between backticks, as code)
    await expect(blind).toContainText(/accuracy on (sex=F & age>\d+|age>\d+ & sex=F) is 0\.\d\d against 0\.\d\d overall \(n=[\d,]+\)/);
    await expect(blind.locator('code')).toHaveText(/sex=F & age>\d+|age>\d+ & sex=F/);
    const issues = panel(page).locator('.jp-SymphonyPanel-finding[data-kind="label_issues"]');
    await expect(issues).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(issues).toContainText('rows of y_train look mislabelled');

    // The subgroups view: the planted slice first; clicking it filters the table of X_test.
    const view = await open(page, 'subgroups', 'clf,X_test,y_test');
    const first = view.locator('.jp-SymphonyView-slices tbody tr').first();
    await expect(first.locator('.jp-SymphonyView-sliceLabel')).toHaveAttribute('aria-label', /sex=F & age>\d+|age>\d+ & sex=F/);
    const n = Number(((await first.locator('td').nth(1).textContent()) ?? '').replace(/,/g, ''));
    expect(n).toBeGreaterThan(100);
    const table = await openTable(page, 'X_test');
    await first.click();
    await expect(first).toHaveAttribute('aria-selected', 'true');
    await expect(table.locator('.jp-SymphonyView-status')).toContainText(`on the selection (${n.toLocaleString('en-US')} rows)`, {
      timeout: PANEL_TIMEOUT
    });
    await saveScreenshot(view, 'subgroups-light.png', { scrollIntoView: true });
    await panel(page).locator('.jp-SymphonyBoard-selection .jp-SymphonyBoard-chipRemove').click();

    // Label issues on the training split: out-of-fold, and "select all" filters the table of X_train.
    const labels = await open(page, 'label_issues', 'clf,X_train,y_train');
    await expect(labels.locator('.jp-SymphonyView-lede')).toContainText('from out-of-fold probabilities');
    const lede = (await labels.locator('.jp-SymphonyView-lede').textContent()) ?? '';
    const total = Number(lede.split(' ')[0].replace(/,/g, ''));
    expect(total).toBeGreaterThan(30);
    const trainTable = await openTable(page, 'X_train');
    await labels.locator('.jp-SymphonyView-selectAll').click();
    await expect(trainTable.locator('.jp-SymphonyView-status')).toContainText(
      `on the selection (${total.toLocaleString('en-US')} rows)`,
      { timeout: PANEL_TIMEOUT }
    );
    await saveScreenshot(labels, 'label-issues-light.png', { scrollIntoView: true });

    // Dark theme: the same views, readable (the selection cleared first: every view shows all its rows).
    await panel(page).locator('.jp-SymphonyBoard-selection .jp-SymphonyBoard-chipRemove').click();
    await expect(view.locator('.jp-SymphonyView-lede')).toContainText('overall on 4,000 rows', { timeout: PANEL_TIMEOUT });
    await page.theme.setDarkTheme();
    await saveScreenshot(view, 'subgroups-dark.png', { scrollIntoView: true });
    await saveScreenshot(labels, 'label-issues-dark.png', { scrollIntoView: true });
  });
});
