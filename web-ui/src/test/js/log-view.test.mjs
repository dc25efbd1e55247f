import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDocument, ROW_HEIGHT, entry, loadQuaeroLogs, range } from './fakes.mjs';

const { LogView } = loadQuaeroLogs();

const ESC = '\u001b';
const cursors = (container) => container.children.map((row) => row.dataset.cursor);
const cells = (row) => Object.fromEntries(row.children.map((cell) => [cell.className, cell.textContent]));

/** A LogView on a fake scrolling container 100 px high (ROW_HEIGHT px per row). */
function createView(options = {}) {
    const document = new FakeDocument();
    const container = document.createElement('div');
    container.clientHeight = 100;
    const stickChanges = [];
    const view = new LogView(container, { onStickChange: (atBottom) => stickChanges.push(atBottom), ...options });
    return { document, container, view, stickChanges };
}

describe('LogView rows', () => {
    test('a row carries the level class, the cursor and one cell per field', () => {
        const { container, view } = createView();
        view.append([entry(7, { level: 'WARNING', step_name: 'extract', message: 'disk almost full' })]);

        const [row] = container.children;
        assert.equal(row.tagName, 'DIV');
        assert.equal(row.className, 'log-entry log-level-warn');
        assert.equal(row.dataset.cursor, '0-7');
        assert.deepEqual(Object.keys(cells(row)), ['log-line', 'log-time', 'log-level', 'log-step', 'log-message']);
        assert.equal(cells(row)['log-line'], '7');
        assert.equal(cells(row)['log-level'], 'WARNING');
        assert.equal(cells(row)['log-step'], 'extract');
        assert.equal(cells(row)['log-message'], 'disk almost full');
        assert.equal(cells(row)['log-time'], new Date('2025-01-02T03:04:05.000Z').toLocaleTimeString());
    });

    test('showStep: false hides the step; showSource shows service/instance or the source', () => {
        const { container, view } = createView({ showStep: false, showSource: true });
        view.append([
            entry(1, { step_name: 'extract', service: 'gateway', instance: 'gw-1' }),
            entry(2, { source: 'stderr' }),
            entry(3, { service: 'worker' }),
        ]);
        const [first, second, third] = container.children.map(cells);
        assert.equal(first['log-step'], undefined);
        assert.equal(first['log-source'], 'gateway/gw-1');
        assert.equal(second['log-source'], 'stderr');
        assert.equal(third['log-source'], 'worker/');
    });

    test('an entry without a line number has no line cell; an invalid timestamp gives an empty time', () => {
        const { container, view } = createView();
        view.append([{ cursor: '0-1', level: 'info', message: 'x', timestamp: 'garbage' }]);
        assert.equal(cells(container.firstElementChild)['log-line'], undefined);
        assert.equal(cells(container.firstElementChild)['log-time'], '');
    });

    test('dateInTime shows the date as well', () => {
        const { container, view } = createView({ dateInTime: true });
        view.append([entry(1)]);
        assert.equal(cells(container.firstElementChild)['log-time'], new Date('2025-01-02T03:04:05.000Z').toLocaleString());
    });

    test('messages are rendered as text and ANSI spans, never as HTML', () => {
        const { document, container, view } = createView();
        view.append([entry(1, { message: `${ESC}[31m<img src=x onerror=alert(1)>${ESC}[0m & <b>bold</b>` })]);
        const message = container.firstElementChild.children.find((cell) => cell.className === 'log-message');
        assert.equal(message.textContent, '<img src=x onerror=alert(1)> & <b>bold</b>');
        assert.equal(message.childNodes[0].className, 'ansi-fg-red');
        assert.equal(message.childNodes[1].nodeType, 3);
        assert.ok(document.created.every((element) => ['DIV', 'SPAN'].includes(element.tagName)));
    });
});

describe('LogView bounds and scrolling', () => {
    test('keeps only the newest maxRows rows', () => {
        const { container, view } = createView({ maxRows: 5 });
        view.append(range(1, 3).map((i) => entry(i)));
        view.append(range(4, 7).map((i) => entry(i)));
        assert.deepEqual(cursors(container), ['0-3', '0-4', '0-5', '0-6', '0-7']);
        view.append(range(8, 20).map((i) => entry(i)));
        assert.deepEqual(cursors(container), ['0-16', '0-17', '0-18', '0-19', '0-20']);
    });

    test('an empty append changes nothing', () => {
        const { container, view, stickChanges } = createView();
        view.append([]);
        assert.equal(container.childElementCount, 0);
        assert.deepEqual(stickChanges, []);
    });

    test('stays at the bottom while the reader is there', () => {
        const { container, view } = createView();
        view.append(range(1, 10).map((i) => entry(i)));
        assert.equal(container.scrollTop, 10 * ROW_HEIGHT);
        view.append([entry(11)]);
        assert.equal(container.scrollTop, 11 * ROW_HEIGHT);
    });

    test('tells onStickChange(false) when the reader scrolls up and stops following', () => {
        const { container, view, stickChanges } = createView();
        view.append(range(1, 10).map((i) => entry(i)));
        stickChanges.length = 0;

        container.scrollTop = 0;
        container.dispatch('scroll');
        assert.deepEqual(stickChanges, [false]);
        view.append([entry(11)]);
        assert.equal(container.scrollTop, 0, 'the reader is not pulled down');

        container.scrollTop = container.scrollHeight - container.clientHeight;
        container.dispatch('scroll');
        assert.deepEqual(stickChanges, [false, true]);
    });

    test('listens to scroll passively and stops on destroy()', () => {
        const { container, view, stickChanges } = createView();
        assert.deepEqual(container.listeners.get('scroll').map((l) => l.options), [{ passive: true }]);
        view.destroy();
        container.scrollTop = 0;
        view.append(range(1, 10).map((i) => entry(i)));
        stickChanges.length = 0;
        container.scrollTop = 0;
        container.dispatch('scroll');
        assert.deepEqual(stickChanges, []);
    });

    test('scrollToBottom() goes to the end and reports it', () => {
        const { container, view, stickChanges } = createView();
        view.append(range(1, 10).map((i) => entry(i)));
        container.scrollTop = 0;
        container.dispatch('scroll');
        view.scrollToBottom();
        assert.equal(container.scrollTop, container.scrollHeight);
        assert.equal(view.stuck, true);
        assert.equal(stickChanges.at(-1), true);
    });

    test('clear() removes every row', () => {
        const { container, view } = createView();
        view.append(range(1, 3).map((i) => entry(i)));
        view.clear();
        assert.equal(container.childNodes.length, 0);
    });
});
