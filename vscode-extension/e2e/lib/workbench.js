'use strict';
// The VS Code window in the browser, seen the way a user sees it: the status bar item, the editor,
// the "tox" terminal and the Problems panel. Every wait polls the DOM against a deadline.
const { waitFor } = require('./processes');

/** The contract's status bar item: id "toxServer.status", prefixed with the extension id by VS Code. */
const STATUS_ITEM_ID = 'toxserver.tox-server.toxServer.status';
const STATUS_ITEM = `.statusbar-item[id="${STATUS_ITEM_ID}"]`;

/**
 * Runs in the page before VS Code loads: records when the workbench appears, and every change of
 * the status item's aria-label with its wall-clock time, so a state that lasts only a moment is
 * still seen and latencies can be measured without polling error.
 */
function recordStatusItem(itemId) {
  const record = { workbenchAt: null, itemAt: null, labels: [] };
  window.__toxE2E = record;
  let last = null;
  const observe = () => {
    if (record.workbenchAt === null && document.querySelector('.monaco-workbench')) record.workbenchAt = performance.now();
    const item = document.getElementById(itemId);
    const label = item ? item.getAttribute('aria-label') : null;
    if (item && record.itemAt === null) record.itemAt = performance.now();
    if (label !== last) {
      record.labels.push({ at: Date.now(), label });
      last = label;
    }
  };
  new MutationObserver(observe).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['aria-label'],
  });
}

class Workbench {
  constructor(page) {
    this.page = page;
  }

  /** Opens `url` in a new page and waits for the workbench. */
  static async open(browser, url, { timeoutMs = 60000 } = {}) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } }); // tall: ~33 terminal rows
    await page.addInitScript(recordStatusItem, STATUS_ITEM_ID);
    await page.goto(url, { timeout: timeoutMs });
    await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
    return new Workbench(page);
  }

  // --- status bar -------------------------------------------------------------------------------

  /** Every status item label seen so far: [{at: epoch ms, label}]. */
  statusHistory() {
    return this.page.evaluate(() => window.__toxE2E.labels);
  }

  /** Milliseconds from navigation start to the workbench appearing, and to the status item appearing. */
  startupTimes() {
    return this.page.evaluate(() => ({ workbenchAt: window.__toxE2E.workbenchAt, itemAt: window.__toxE2E.itemAt }));
  }

  /** Waits until a status label seen at index `from` or later matches `pattern`; returns that entry and its index. */
  async waitForStatus(pattern, { from = 0, timeoutMs = 30000 } = {}) {
    try {
      return await waitFor(`the status bar item to show ${pattern}`, timeoutMs, async () => {
        const history = await this.statusHistory();
        for (let i = from; i < history.length; i++) {
          if (history[i].label !== null && pattern.test(history[i].label)) return { ...history[i], index: i };
        }
        return null;
      });
    } catch (e) {
      throw new Error(`${e.message}; labels seen: ${await this.describeHistory(from)}`);
    }
  }

  async describeHistory(from = 0) {
    const history = await this.statusHistory().catch(() => []);
    return JSON.stringify(history.slice(from).map((h) => h.label));
  }

  /** The item's class attribute: VS Code marks an error background "error-kind", a warning one "warning-kind". */
  statusItemClasses() {
    return this.page.getAttribute(STATUS_ITEM, 'class', { timeout: 5000 });
  }

  async clickStatusItem() {
    await this.page.click(STATUS_ITEM, { timeout: 5000 });
  }

  // --- commands and notifications ----------------------------------------------------------------

  /** F1, the command's title ("Category: Title"), Enter. */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
    await this.page.keyboard.type(title);
    await this.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`, { timeout: 10000 });
    await this.page.keyboard.press('Enter');
    await this.page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 10000 });
  }

  /** The texts of the notification toasts on screen. */
  notifications() {
    return this.page.$$eval('.notifications-toasts .notification-toast .notification-list-item-message',
      (els) => els.map((e) => e.textContent));
  }

  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
    await waitFor('the notifications to go', 5000, async () => (await this.notifications()).length === 0);
  }

  // --- editor -----------------------------------------------------------------------------------

  /** Ctrl+P, the file's name, Enter; resolves once its editor has the keyboard focus. */
  async openFile(relativePath) {
    const name = relativePath.split('/').pop();
    await this.page.keyboard.press('Control+P');
    await this.page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
    await this.page.keyboard.type(relativePath);
    await this.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label^="${name}"]`, { timeout: 10000 });
    await this.page.keyboard.press('Enter');
    await this.page.waitForSelector(`.tab.active[data-resource-name="${name}"]`, { timeout: 10000 });
    await waitFor(`the editor of ${name} to have the focus`, 10000, () => this.page.evaluate(() => {
      const active = document.activeElement;
      return Boolean(active && active.closest('.editor-instance .monaco-editor'));
    }));
  }

  /** Replaces the focused editor's whole text, the way a paste would (no auto-indent, no auto-closing). */
  async replaceEditorText(text) {
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
  }

  async save() {
    await this.page.keyboard.press('Control+S');
  }

  // --- terminal ---------------------------------------------------------------------------------

  /** The text rows the visible terminal shows (the DOM renderer: one div per row). */
  terminalLines() {
    return this.page.evaluate(() => {
      const rows = [...document.querySelectorAll('.xterm-rows')].find((el) => el.getClientRects().length > 0);
      if (!rows) return [];
      return [...rows.children].map((row) => row.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, ''));
    });
  }

  /** Waits until `check(lines)` is truthy for the visible terminal's rows; returns its value. */
  async waitForTerminal(what, check, timeoutMs = 15000) {
    try {
      return await waitFor(`the terminal to show ${what}`, timeoutMs, async () => check(await this.terminalLines()));
    } catch (e) {
      throw new Error(`${e.message}; terminal shows:\n${(await this.terminalLines()).join('\n')}`);
    }
  }

  // --- Problems panel ---------------------------------------------------------------------------

  async openProblems() {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.waitForSelector('.markers-panel', { state: 'visible', timeout: 10000 });
  }

  /** aria-labels of the Problems panel's rows: "N problems in file F of folder D", then "Error: MSG at line L …". */
  problems() {
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((row) => row.getAttribute('aria-label')));
  }

  /** Clicks the Problems row whose aria-label matches `pattern`. */
  async clickProblem(pattern) {
    const labels = await this.problems();
    const index = labels.findIndex((l) => pattern.test(l));
    if (index < 0) throw new Error(`no problem matches ${pattern}: ${JSON.stringify(labels)}`);
    await this.page.locator('.markers-panel .monaco-list-row').nth(index).click({ timeout: 5000 });
  }

  /** Waits until `fileName` is the active editor with the cursor on `line`. */
  async waitForActiveEditor(fileName, line, timeoutMs = 10000) {
    await this.page.waitForSelector(`.tab.active[data-resource-name="${fileName}"]`, { timeout: timeoutMs });
    await waitFor(`the cursor on line ${line}`, timeoutMs, () => this.page.$$eval('[id="status.editor.selection"]',
      (els, l) => els.some((e) => (e.getAttribute('aria-label') || '').startsWith(`Ln ${l},`)), line));
  }

  // --- evidence ---------------------------------------------------------------------------------

  /** A screenshot plus the text a reader of a failure needs: status history, terminal rows, problems. */
  async dump(basePath) {
    const fs = require('node:fs');
    const parts = [];
    const section = async (title, read) => {
      try {
        parts.push(`## ${title}\n${await read()}`);
      } catch (e) {
        parts.push(`## ${title}\n(unavailable: ${e.message})`);
      }
    };
    await section('status bar item labels', async () => (await this.statusHistory()).map((h) => `${new Date(h.at).toISOString()} ${h.label}`).join('\n'));
    await section('status bar', () => this.page.$$eval('.statusbar-item', (els) => els.map((e) => `${e.id}: ${e.getAttribute('aria-label')}`).join('\n')));
    await section('terminal (visible rows)', async () => (await this.terminalLines()).join('\n'));
    await section('problems', async () => (await this.problems()).join('\n'));
    await section('notifications', () => this.page.$$eval('.notification-toast, .notifications-list-container .monaco-list-row', (els) => els.map((e) => e.getAttribute('aria-label') || e.textContent).join('\n')));
    fs.writeFileSync(`${basePath}.txt`, `${parts.join('\n\n')}\n`);
    await this.page.screenshot({ path: `${basePath}.png` }).catch(() => {});
    fs.writeFileSync(`${basePath}.html`, await this.page.content().catch((e) => String(e)));
  }
}

module.exports = { Workbench, STATUS_ITEM, STATUS_ITEM_ID };
