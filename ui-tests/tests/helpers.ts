/*
 * Helpers shared by the Galata specs (not a test file: Playwright only picks
 * up *.spec.ts / *.test.ts).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/** The demo notebook shipped with the repository. */
export const DEMO = path.resolve(__dirname, '..', '..', 'examples', 'demo.ipynb');
/** Where the screenshots go (ui-tests/screenshots/, gitignored). */
export const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');
/** The id of the Symphony side panel (and of its sidebar tab). */
export const PANEL_ID = 'symphony-lab-panel';
/** Kernel start plus a run of a notebook on a slow 2-core CI machine. */
export const KERNEL_TIMEOUT = 90 * 1000;
/** Waiting for the panel to show a catalog, suggestions or a view. */
export const PANEL_TIMEOUT = 60 * 1000;

/** A notebook (JSON text) with one code cell `source` (cell id `id`) and the python3 kernelspec. */
export function notebookWith(source: string, id = 'plant'): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'code',
        execution_count: null,
        id,
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

/** The panel's root node. */
export function panel(page: IJupyterLabPageFixture): Locator {
  return page.locator(`#${PANEL_ID}`);
}

/** One variable entry of the panel, optionally within a kind group (e.g. "dataframes"). */
export function entry(
  page: IJupyterLabPageFixture,
  name: string,
  group?: string
): Locator {
  const scope = group
    ? panel(page).locator(`.jp-SymphonyPanel-group[data-kind-group="${group}"]`)
    : panel(page);
  return scope.locator(`.jp-SymphonyPanel-variable[data-name="${name}"]`);
}

/** The suggestions listed under a variable. */
export function suggestionsOf(page: IJupyterLabPageFixture, name: string): Locator {
  return panel(page).locator(
    `.jp-SymphonyPanel-variable[data-name="${name}"] + .jp-SymphonyPanel-suggestions`
  );
}

/** One card of a board: the panel's (given the page) or any root's (given a Locator, e.g. the main-area board). */
export function card(
  scope: IJupyterLabPageFixture | Locator,
  component: string,
  variables: string
): Locator {
  // The galata page fixture has `sidebar`; a Locator does not.
  const root = 'sidebar' in scope ? panel(scope) : (scope as Locator);
  return root.locator(
    `.jp-SymphonyView[data-component="${component}"][data-variables="${variables}"]`
  );
}

/** Open the Symphony panel through its sidebar tab. */
export async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await passThroughOurApi(page);
  await page.sidebar.openTab(PANEL_ID);
  await expect(panel(page)).toBeVisible();
}

const passing = new WeakSet<object>();

/**
 * Galata tracks kernels by routing every URL that contains "/api/kernels"
 * (ours too: /symphony-lab/api/kernels/...) through a handler that reads each
 * answer as JSON. Views answer a binary framed body (Arrow): send our routes
 * straight to the server (the route registered last is tried first).
 */
export async function passThroughOurApi(page: IJupyterLabPageFixture): Promise<void> {
  if (passing.has(page)) {
    return;
  }
  passing.add(page);
  await page.route(/\/symphony-lab\/api\//, route => route.continue());
}

/** Open a notebook of the test's folder, wait for its kernel and run all its cells. */
export async function openAndRun(
  page: IJupyterLabPageFixture,
  file: string
): Promise<void> {
  expect(await page.notebook.openByPath(file)).toBeTruthy();
  expect(await page.notebook.activate(path.basename(file))).toBeTruthy();
  // Kernel start: the status bar says Idle once the kernel is up.
  await expect(
    page.locator('#jp-main-statusbar').getByText('Idle', { exact: false })
  ).toBeVisible({ timeout: KERNEL_TIMEOUT });
  expect(await page.notebook.run()).toBeTruthy();
}

/** Upload a notebook (its JSON text) to `file`, open it, and run all its cells. */
export async function uploadAndRun(
  page: IJupyterLabPageFixture,
  file: string,
  notebook: string
): Promise<void> {
  expect(await page.contents.uploadContent(notebook, 'text', file)).toBeTruthy();
  await openAndRun(page, file);
}

/**
 * Brush a distribution card's histogram: a mouse drag across its pointer target from `from` to `to`
 * (fractions of its width).
 */
export async function brush(
  page: IJupyterLabPageFixture,
  distribution: Locator,
  from = 0.2,
  to = 0.55
): Promise<void> {
  const overlay = distribution.locator('.jp-SymphonyView-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  expect(box, 'the histogram has a pointer target').not.toBeNull();
  const y = box!.y + box!.height / 2;
  await page.mouse.move(box!.x + box!.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box!.x + box!.width * ((from + to) / 2), y, { steps: 5 });
  await page.mouse.move(box!.x + box!.width * to, y, { steps: 5 });
  await page.mouse.up();
}

/** Upload the demo notebook into the test's folder, open it and run all. */
export async function openAndRunDemo(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  expect(fs.existsSync(DEMO)).toBe(true);
  expect(
    await page.contents.uploadFile(DEMO, `${tmpPath}/demo.ipynb`)
  ).toBeTruthy();
  await openAndRun(page, `${tmpPath}/demo.ipynb`);
}

/** Click the suggestion of `component` under variable `name` (opening "more" first if it is not among the first ones). */
export async function clickSuggestion(
  page: IJupyterLabPageFixture,
  name: string,
  component: string
): Promise<void> {
  const list = suggestionsOf(page, name);
  const suggestion = list.locator(
    `.jp-SymphonyPanel-suggestion[data-component="${component}"][data-variables="${name}"]`
  );
  // Suggestions arrive after the catalog: wait for the list.
  await expect(list.locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({
    timeout: PANEL_TIMEOUT
  });
  // The list is drawn again when new suggestions arrive (profiles finish in
  // the background): find, expand and click again until the view is open.
  const view = panel(page).locator(
    `.jp-SymphonyView[data-component="${component}"][data-variables="${name}"]`
  );
  const deadline = Date.now() + PANEL_TIMEOUT;
  for (;;) {
    try {
      if ((await suggestion.count()) === 0) {
        const more = list.locator('.jp-SymphonyPanel-moreSuggestions');
        if ((await more.count()) > 0 && (await more.getAttribute('aria-expanded')) !== 'true') {
          await more.click({ timeout: 5000 });
        }
      }
      await suggestion.click({ timeout: 5000 });
      await expect(view).toHaveCount(1, { timeout: 5000 });
      return;
    } catch (error) {
      if ((await view.count()) === 1) {
        return;
      }
      if (Date.now() > deadline) {
        throw error;
      }
    }
  }
}

/** Save a screenshot under ui-tests/screenshots/ and attach it; `scrollIntoView` first scrolls a Locator to its container's bottom (clear of sticky headers). */
export async function saveScreenshot(
  target: IJupyterLabPageFixture | Locator,
  name: string,
  options: { scrollIntoView?: boolean } = {}
): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  if (options.scrollIntoView && !('sidebar' in target)) {
    await target.evaluate(node => node.scrollIntoView({ block: 'end' }));
  }
  await target.screenshot({ path: file });
  await test.info().attach(name, { path: file, contentType: 'image/png' });
}

/** The N (shown) and M (total) of "filtered: N of M rows" in a card's status line, or null. */
export async function filteredRows(
  status: Locator
): Promise<{ shown: number; total: number } | null> {
  const text = (await status.textContent()) ?? '';
  const match = text.match(/filtered: ([\d,]+) of ([\d,]+) rows/);
  if (!match) {
    return null;
  }
  const n = (s: string): number => Number(s.replace(/,/g, ''));
  return { shown: n(match[1]), total: n(match[2]) };
}
