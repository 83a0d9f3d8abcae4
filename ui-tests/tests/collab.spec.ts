/*
 * Two people on one board (jupyter-collaboration on, two browser contexts,
 * two server identities): A opens a view and brushes it, B sees the same
 * view and the same filter; B comments on the view, A sees the comment with
 * B's name (stamped by the server) rendered through the sanitizer (the
 * planted <img onerror> runs nothing); both see each other; after a reload
 * of both, the board and the comment are still there. Screenshots of both.
 *
 * While A still drags a brush (mouse down, moved, not released), B sees it
 * on the same view, outlined in A's colour with A's initials; it is gone
 * when A releases, and the filter it made is there. B comments on a finding
 * (its own comment button in the panel), A sees the thread on that finding.
 *
 * Identities: the Galata server has no token, so jupyter_server gives each
 * browser an anonymous user: a random uuid as username (always distinct)
 * but a display name drawn from 57 moons of Jupyter ("Anonymous Io"), so
 * two browsers got the same name about once in 57 runs, and the test, which
 * finds people by name, failed. Each page now sets a name of its own through
 * jupyter_server's identity API (PATCH /api/me) before it opens anything.
 *
 * The second test runs a Jupyter server of its own (Playwright owns the
 * first), so that it can stop it and start it again on the same folder:
 * after the restart both browsers reload and find the board and the comment.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { expect, galata, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';
import {
  card,
  clickSuggestion,
  notebookWith,
  openPanel,
  panel,
  PANEL_TIMEOUT,
  saveScreenshot,
  uploadAndRun
} from './helpers';

const FRAME = [
  'import numpy as np',
  'import pandas as pd',
  'rng = np.random.default_rng(1)',
  'people = pd.DataFrame({"age": rng.integers(18, 90, 400), "income": rng.normal(50_000, 15_000, 400).round(2), "country": "FR"})',
  'people.shape'
].join('\n');

const VIEW = '.jp-SymphonyView[data-component="distribution"][data-variables="people"]';

/** The collaboration bar above the distribution card. */
function viewBar(p: IJupyterLabPageFixture): Locator {
  return panel(p)
    .locator('.jp-SymphonyBoard-item', { has: p.locator(VIEW) })
    .locator('.jp-SymphonyCollab-viewBar');
}

/** Open a notebook through JupyterLab's own command (once the app is restored). */
async function openNotebook(p: IJupyterLabPageFixture, file: string): Promise<void> {
  await p.evaluate(async path => {
    await (window as any).jupyterapp.restored;
    await (window as any).jupyterapp.commands.execute('docmanager:open', { path });
  }, file);
  await expect(p.locator('.jp-NotebookPanel')).toBeVisible({ timeout: PANEL_TIMEOUT });
}

/**
 * Give the browser of `p` a name of its own on the server (jupyter_server's
 * identity API; its login cookie then carries it) and make JupyterLab read
 * it again, so that awareness and the server's stamp on comments use it.
 */
async function becomeUser(p: IJupyterLabPageFixture, name: string, initials: string): Promise<string> {
  const username = await p.evaluate(
    async ({ name, initials }) => {
      const app = (window as any).jupyterapp;
      await app.restored;
      const base = app.serviceManager.serverSettings.baseUrl as string;
      const response = await fetch(`${base}api/me`, {
        method: 'PATCH',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, display_name: name, initials })
      });
      if (!response.ok) {
        throw new Error(`PATCH /api/me: ${response.status}`);
      }
      await app.serviceManager.user.refreshUser();
      return app.serviceManager.user.identity.username as string;
    },
    { name, initials }
  );
  expect(await p.evaluate(() => (window as any).jupyterapp.serviceManager.user.identity.display_name)).toBe(name);
  return username;
}

/** The comment button after the finding of `kind` in the panel. */
function findingComments(p: IJupyterLabPageFixture, kind: string): Locator {
  return panel(p).locator(`.jp-SymphonyCollab-targetComments[data-kind="finding"][data-ref^="${kind}:"]`);
}

const NOTE =
  '**Skewed** to the young <img src="x" onerror="window.__symphonyXss = 1"> [link](javascript:window.__symphonyXss=2)';

// Real identities (each context is a user of its own on the server), and the
// real lists of kernels and sessions: B joins A's session of the notebook.
test.use({
  viewport: { width: 1440, height: 900 },
  mockUser: false,
  kernels: null,
  sessions: null
});

test.describe('Collaboration on the board', () => {
  test('two users share views, brushes and comments', async ({
    page,
    tmpPath,
    browser,
    baseURL,
    waitForApplication
  }) => {
    const nameA = 'Ada Analyst';
    const nameB = 'Bo Reviewer';
    const userA = await becomeUser(page, nameA, 'AA');
    const file = `${tmpPath}/shared.ipynb`;
    await uploadAndRun(page, file, notebookWith(FRAME, 'shared'));
    await openPanel(page);
    await clickSuggestion(page, 'people', 'distribution');
    const distA = card(page, 'distribution', 'people');
    await expect(distA).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    const headerA = panel(page).locator('.jp-SymphonyCollab');
    await expect(headerA).toHaveAttribute('data-mode', 'shared', { timeout: PANEL_TIMEOUT });

    // B: another browser context, another identity, the same notebook.
    const { page: pageB } = await galata.newPage({
      baseURL: baseURL!,
      browser,
      waitForApplication,
      tmpPath,
      mockUser: false,
      // The real list of sessions: B joins A's session (and kernel) of the notebook.
      mockSessions: false,
      mockKernels: false
    });
    const userB = await becomeUser(pageB, nameB, 'BR');
    expect(userB).not.toEqual(userA);
    expect(await pageB.notebook.openByPath(file)).toBeTruthy();
    await openPanel(pageB);
    const distB = card(pageB, 'distribution', 'people');
    await expect(distB).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(distB).toHaveAttribute('data-status', 'ready', { timeout: PANEL_TIMEOUT });
    // Each sees the other.
    await expect(panel(page).locator(`.jp-SymphonyCollab-peer[data-name="${nameB}"]`)).toBeVisible({ timeout: PANEL_TIMEOUT });
    await expect(panel(pageB).locator(`.jp-SymphonyCollab-peer[data-name="${nameA}"]`)).toBeVisible({ timeout: PANEL_TIMEOUT });

    // A drags a brush and holds it: B sees it move on the same view, in A's
    // colour with A's initials, before anything is applied.
    // What B's board shows as filter now (nothing on a first run; a retry finds the last attempt's board).
    const chipsB = panel(pageB).locator('.jp-SymphonyBoard-filters');
    const filterBefore = (await chipsB.count()) > 0 ? await chipsB.textContent() : null;
    const overlay = distA.locator('.jp-SymphonyView-overlay');
    await overlay.scrollIntoViewIfNeeded();
    const box = (await overlay.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, y, { steps: 4 });
    const liveB = distB.locator(`.jp-SymphonyView-remote[data-name="${nameA}"][data-brushing="true"]`);
    await expect(liveB).toHaveCount(1, { timeout: 10 * 1000 });
    const first = await liveB.locator('.jp-SymphonyView-remoteBrush').getAttribute('width');
    await page.mouse.move(box.x + box.width * 0.55, y, { steps: 4 });
    // It follows the drag (at most every 50 ms).
    await expect
      .poll(async () => Number(await liveB.locator('.jp-SymphonyView-remoteBrush').getAttribute('width')), {
        timeout: 10 * 1000
      })
      .toBeGreaterThan(Number(first));
    await expect(liveB.locator('.jp-SymphonyView-remoteInitials')).toHaveText('AA');
    // Nothing is applied while it moves.
    expect((await chipsB.count()) > 0 ? await chipsB.textContent() : null).toEqual(filterBefore);
    await saveScreenshot(distB, 'collab-live-brush-b.png');
    await page.mouse.up();
    // Released: the live brush is gone, the filter is there.
    await expect(distB.locator('.jp-SymphonyView-remote[data-brushing="true"]')).toHaveCount(0, { timeout: 10 * 1000 });
    const chipA = panel(page).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chipA).toBeVisible();
    const chipB = panel(pageB).locator('.jp-SymphonyBoard-chip[data-column="age"]');
    await expect(chipB).toBeVisible({ timeout: 10 * 1000 });
    expect(await chipB.textContent()).toEqual(await chipA.textContent());

    // B comments on the view.
    const barB = viewBar(pageB);
    await barB.locator('.jp-SymphonyCollab-commentsToggle').click();
    await barB.locator('.jp-SymphonyNote-input').fill(NOTE);
    await barB.locator('.jp-SymphonyNote-submit').click();
    await expect(barB.locator('.jp-SymphonyNote')).toHaveCount(1, { timeout: 10 * 1000 });
    // The server answered well (a 500 after writing the comment once showed "Unhandled error" here).
    await expect(barB.locator('.jp-SymphonyNote-input')).toHaveValue('');
    await expect(barB.locator('.jp-SymphonyNote-error')).toHaveCount(0);

    // A sees it, with B's name, as sanitized Markdown.
    const barA = viewBar(page);
    await expect(barA.locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', { timeout: 10 * 1000 });
    await barA.locator('.jp-SymphonyCollab-commentsToggle').click();
    const noteA = barA.locator(`.jp-SymphonyNote[data-author="${nameB}"]`);
    await expect(noteA).toBeVisible();
    await expect(noteA.locator('.jp-SymphonyNote-text strong')).toHaveText('Skewed');
    await expect(noteA.locator('.jp-SymphonyNote-text img[onerror]')).toHaveCount(0);
    await expect(noteA.locator('.jp-SymphonyNote-text a[href^="javascript"]')).toHaveCount(0);
    // A did not write it: no "Edit" for A; B has one.
    await expect(noteA.locator('.jp-SymphonyNote-edit')).toHaveCount(0);
    await expect(barB.locator('.jp-SymphonyNote-edit')).toHaveCount(1);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as any).__symphonyXss)).toBeUndefined();
    expect(await pageB.evaluate(() => (window as any).__symphonyXss)).toBeUndefined();

    // B comments on a finding (the constant column), from the finding itself.
    const findingB = findingComments(pageB, 'constant_column');
    await expect(findingB).toHaveCount(1, { timeout: PANEL_TIMEOUT });
    await findingB.locator('.jp-SymphonyCollab-targetToggle').click();
    await findingB.locator('.jp-SymphonyNote-input').fill('`country` is constant: drop it before training');
    await findingB.locator('.jp-SymphonyNote-submit').click();
    await expect(findingB.locator('.jp-SymphonyNote')).toHaveCount(1, { timeout: 10 * 1000 });
    await expect(findingB.locator('.jp-SymphonyNote-input')).toHaveValue('');
    await expect(findingB.locator('.jp-SymphonyNote-error')).toHaveCount(0);
    // A sees the count on that finding, and the thread with B's name.
    const findingA = findingComments(page, 'constant_column');
    await expect(findingA.locator('.jp-SymphonyCollab-targetToggle')).toHaveAttribute('data-count', '1', { timeout: 10 * 1000 });
    await findingA.locator('.jp-SymphonyCollab-targetToggle').click();
    await expect(findingA.locator(`.jp-SymphonyNote[data-author="${nameB}"] .jp-SymphonyNote-text code`)).toHaveText('country');
    await saveScreenshot(panel(page).locator('.jp-SymphonyPanel-findings'), 'collab-finding-comment-a.png');

    await saveScreenshot(panel(page), 'collab-user-a.png');
    await saveScreenshot(panel(pageB), 'collab-user-b.png');
    // The same in the dark theme.
    await pageB.theme.setDarkTheme();
    await overlay.scrollIntoViewIfNeeded();
    const again = (await overlay.boundingBox())!;
    const y2 = again.y + again.height / 2;
    await page.mouse.move(again.x + again.width * 0.1, y2);
    await page.mouse.down();
    await page.mouse.move(again.x + again.width * 0.35, y2, { steps: 4 });
    await expect(liveB).toHaveCount(1, { timeout: 10 * 1000 });
    await saveScreenshot(distB, 'collab-live-brush-b-dark.png');
    await saveScreenshot(panel(pageB), 'collab-user-b-dark.png');
    await page.mouse.up();
    await pageB.theme.setLightTheme();

    // Both reload: the board (view, filter) and the comment are still there.
    for (const p of [page, pageB]) {
      // A plain browser reload (not galata's, which waits for a workspace of its own).
      await Promise.all([p.waitForEvent('load'), p.evaluate(() => window.location.reload())]);
      await p.waitForFunction(() => !!(window as any).jupyterapp, null, { timeout: PANEL_TIMEOUT });
      await p.evaluate(async () => {
        await (window as any).jupyterapp.restored;
      });
      await p.evaluate(async path => {
        await (window as any).jupyterapp.commands.execute('docmanager:open', { path });
      }, file);
      await expect(p.locator('.jp-NotebookPanel')).toBeVisible({ timeout: PANEL_TIMEOUT });
      await openPanel(p);
      const dist = card(p, 'distribution', 'people');
      await expect(dist).toBeVisible({ timeout: PANEL_TIMEOUT });
      await expect(panel(p).locator('.jp-SymphonyBoard-chip[data-column="age"]')).toBeVisible({ timeout: PANEL_TIMEOUT });
      const bar = viewBar(p);
      await expect(bar.locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', { timeout: PANEL_TIMEOUT });
    }
    // One avatar each after the reloads (not the old tab's next to the new one).
    for (const [p, other] of [
      [page, nameB],
      [pageB, nameA]
    ] as const) {
      const peers = panel(p).locator('.jp-SymphonyCollab-peer');
      await expect(panel(p).locator(`.jp-SymphonyCollab-peer[data-name="${other}"]`)).toHaveCount(1, { timeout: PANEL_TIMEOUT });
      await p.waitForTimeout(1000);
      await expect(peers).toHaveCount(1);
    }
    // B leaves: A sees it at once (B's state is removed on pagehide), not after awareness' 30 s.
    await pageB.close();
    await expect(panel(page).locator('.jp-SymphonyCollab-peer')).toHaveCount(0, { timeout: 8 * 1000 });
    await expect(panel(page).locator('.jp-SymphonyCollab-status')).toHaveText('Shared live: nobody else here now');
  });

  test('on a brand-new board, views both open in the first seconds are all kept', async ({
    page,
    tmpPath,
    browser,
    baseURL,
    waitForApplication
  }) => {
    await becomeUser(page, 'Ada Analyst', 'AA');
    const file = `${tmpPath}/fresh.ipynb`;
    await uploadAndRun(page, file, notebookWith(FRAME, 'fresh'));
    await openPanel(page);
    const { page: pageB } = await galata.newPage({
      baseURL: baseURL!,
      browser,
      waitForApplication,
      tmpPath,
      mockUser: false,
      mockSessions: false,
      mockKernels: false
    });
    await becomeUser(pageB, 'Bo Reviewer', 'BR');
    expect(await pageB.notebook.openByPath(file)).toBeTruthy();
    await openPanel(pageB);
    // Nobody has opened anything: no board file yet, on either side.
    await expect(panel(pageB).locator('.jp-SymphonyPanel-suggestion').first()).toBeVisible({ timeout: PANEL_TIMEOUT });
    expect(await page.evaluate(async path => {
      const contents = (window as any).jupyterapp.serviceManager.contents;
      try {
        await contents.get(path.replace(/\.ipynb$/, '.symphony.json'), { content: false });
        return true;
      } catch {
        return false;
      }
    }, file)).toBe(false);
    // A opens one view (making the board file), B another a moment later, before it has joined A's board.
    await clickSuggestion(page, 'people', 'distribution');
    await clickSuggestion(pageB, 'people', 'summary');
    for (const p of [page, pageB]) {
      await expect(card(p, 'distribution', 'people')).toHaveCount(1, { timeout: PANEL_TIMEOUT });
      await expect(card(p, 'summary', 'people')).toHaveCount(1, { timeout: PANEL_TIMEOUT });
    }
    await page.waitForTimeout(1500);
    for (const p of [page, pageB]) {
      await expect(panel(p).locator('.jp-SymphonyView')).toHaveCount(2);
    }
    await saveScreenshot(panel(pageB), 'collab-new-board-b.png');
    await pageB.close();
  });

  test('the board and its comments survive a server restart', async ({ browser }) => {
    // Two server starts and two cold page loads.
    test.setTimeout(300 * 1000);
    const port = Number(process.env.GALATA_PORT || 8888) + 10000;
    const baseURL = `http://localhost:${port}`;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'symphony-restart-'));
    fs.mkdirSync(path.join(root, 'restart'));
    const answers = async (): Promise<boolean> => {
      try {
        return (await fetch(`${baseURL}/api/status`)).ok;
      } catch {
        return false;
      }
    };
    const spawned: ChildProcess[] = [];
    const start = async (): Promise<ChildProcess> => {
      // Never talk to a server left over by another run: this one must be ours.
      expect(await answers(), `port ${port} is already in use`).toBe(false);
      const server = spawn(
        'jupyter',
        ['lab', '--config', path.resolve(__dirname, '..', 'jupyter_server_test_config.py')],
        {
          env: { ...process.env, GALATA_PORT: String(port), JUPYTERLAB_GALATA_ROOT_DIR: root },
          stdio: 'ignore'
        }
      );
      spawned.push(server);
      const deadline = Date.now() + 90 * 1000;
      for (;;) {
        try {
          const response = await fetch(`${baseURL}/api/status`);
          if (response.ok) {
            return server;
          }
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) {
          throw new Error('the server did not start');
        }
        await new Promise(resolve => setTimeout(resolve, 300));
      }
    };
    const stop = async (server: ChildProcess): Promise<void> => {
      if (server.exitCode !== null || server.signalCode !== null) {
        return;
      }
      const exited = new Promise(resolve => server.once('exit', resolve));
      server.kill('SIGTERM');
      // jupyter-collaboration's shutdown can hang after the kernels are gone: then kill it.
      const timer = setTimeout(() => server.kill('SIGKILL'), 15 * 1000);
      await exited;
      clearTimeout(timer);
    };
    let server = await start();
    try {
      const open = async () =>
        (
          await galata.newPage({
            baseURL,
            browser,
            // A fresh server's first page takes long on a busy machine: wait for the
            // application itself, with a generous timeout.
            waitForApplication: async page => {
              await page.locator('#jupyterlab-splash').waitFor({ state: 'detached', timeout: PANEL_TIMEOUT });
              await page.waitForFunction(() => !!(window as any).jupyterapp, null, { timeout: PANEL_TIMEOUT });
              await page.evaluate(async () => {
                await (window as any).jupyterapp.restored;
              });
            },
            tmpPath: 'restart',
            // No galata proxy in front of the server: it would fail while the server restarts.
            mockUser: false,
            mockSessions: false,
            mockKernels: false,
            mockTerminals: false
          })
        ).page;
      const pageA = await open();
      const file = 'restart/restart.ipynb';
      // Straight into the server's folder (galata's contents helper talks to Playwright's server).
      fs.writeFileSync(path.join(root, file), notebookWith(FRAME, 'restart'));
      await openNotebook(pageA, file);
      await expect(pageA.locator('#jp-main-statusbar').getByText('Idle', { exact: false })).toBeVisible({
        timeout: PANEL_TIMEOUT
      });
      await pageA.evaluate(async () => {
        await (window as any).jupyterapp.commands.execute('notebook:run-all-cells');
      });
      await openPanel(pageA);
      await clickSuggestion(pageA, 'people', 'distribution');
      await expect(card(pageA, 'distribution', 'people')).toHaveAttribute('data-status', 'ready', {
        timeout: PANEL_TIMEOUT
      });
      const pageB = await open();
      await openNotebook(pageB, file);
      await openPanel(pageB);
      await expect(card(pageB, 'distribution', 'people')).toBeVisible({ timeout: PANEL_TIMEOUT });
      const barB = viewBar(pageB);
      await barB.locator('.jp-SymphonyCollab-commentsToggle').click();
      await barB.locator('.jp-SymphonyNote-input').fill('Still here after a restart?');
      await barB.locator('.jp-SymphonyNote-submit').click();
      await expect(viewBar(pageA).locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', {
        timeout: 10 * 1000
      });
      await pageA.waitForTimeout(1500); // the room's save delay

      await stop(server);
      server = await start();
      for (const p of [pageA, pageB]) {
        await Promise.all([p.waitForEvent('load'), p.evaluate(() => window.location.reload())]);
        await p.waitForFunction(() => !!(window as any).jupyterapp, null, { timeout: PANEL_TIMEOUT });
        await openNotebook(p, file);
        await openPanel(p);
        // The kernel is new (nothing ran): the view is on the board, waiting for its data.
        await expect(card(p, 'distribution', 'people')).toBeVisible({ timeout: PANEL_TIMEOUT });
        const bar = viewBar(p);
        await expect(bar.locator('.jp-SymphonyCollab-commentsToggle')).toHaveText('Comments (1)', {
          timeout: PANEL_TIMEOUT
        });
        await bar.locator('.jp-SymphonyCollab-commentsToggle').click();
        await expect(bar.locator('.jp-SymphonyNote-text')).toHaveText('Still here after a restart?');
        expect(await bar.locator('.jp-SymphonyNote').count()).toBe(1);
      }
      await saveScreenshot(panel(pageA), 'collab-after-restart.png');
      await pageA.close();
      await pageB.close();
    } finally {
      for (const each of spawned) {
        await stop(each);
      }
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
