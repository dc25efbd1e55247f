import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDocument, ROW_HEIGHT, createFakeFrames, entry, installGlobals, loadQuaeroLogs, settle } from './fakes.mjs';

const { LogViewer } = loadQuaeroLogs();

let frames;
let restore;

beforeEach(() => {
    frames = createFakeFrames();
    restore = installGlobals({
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
        getComputedStyle: () => ({ getPropertyValue: () => `${ROW_HEIGHT}px` }),
    });
});

afterEach(() => restore());

/** A viewer of a log of `total` lines (entry i is line i + 1) on a container 100 px high. */
function createViewer(total, options = {}) {
    const document = new FakeDocument();
    const container = document.createElement('div');
    container.clientHeight = 100;
    const calls = { ranges: [], selects: [], copies: [], folds: [] };
    const viewer = new LogViewer(container, {
        fetchRange: async (from, count) => {
            calls.ranges.push([from, count]);
            const logs = Array.from({ length: Math.max(0, Math.min(count, total - from)) }, (_, k) =>
                entry(from + k + 1, { step_name: 'Build', message: `line ${from + k + 1} see https://ci.test/${from + k + 1}` }));
            return { from, logs, meta: { total_count: total, displayed_count: total } };
        },
        onSelect: (s) => calls.selects.push(s),
        onCopy: (kind, e) => calls.copies.push([kind, e.line]),
        onFoldToggle: (f) => calls.folds.push(f),
        ...options,
    });
    viewer.reset(true);
    viewer.live([], total);
    const draw = async () => {
        frames.flush();
        await settle();
        frames.flush();
    };
    const rows = () => [...viewer.list.above.children, ...viewer.list.below.children];
    const row = (line) => rows().find((r) => r.dataset.line === String(line));
    const click = (target, extra = {}) => container.dispatchEvent({ type: 'click', target, button: 0, preventDefault() {}, ...extra });
    return { container, viewer, calls, draw, rows, row, click };
}

describe('LogViewer rows', () => {
    test('a row: line link, time, level, step, message with links and search hits; grid roles', async () => {
        const { viewer, draw, row } = createViewer(30);
        viewer.set({ term: 'SEE', timestamps: 'utc' });
        await draw();
        const r = row(30);
        assert.equal(r.getAttribute('role'), 'row');
        assert.equal(r.getAttribute('aria-rowindex'), '30');
        assert.equal(r.id, 'log-row-29');
        const [line, time, level, step, message] = r.children;
        assert.equal(line.tagName, 'A');
        assert.equal(line.href, '#L30');
        assert.equal(line.textContent, '30');
        assert.equal(time.textContent, '03:04:05.000Z');
        assert.equal(level.textContent, 'info');
        assert.equal(step.textContent, 'Build');
        assert.equal(message.textContent, 'line 30 see https://ci.test/30');
        assert.ok(message.children.some((c) => c.tagName === 'MARK'));
        assert.equal(message.children.find((c) => c.tagName === 'A').href, 'https://ci.test/30');
        assert.ok(r.children.every((cell) => cell.getAttribute('role') === 'gridcell'));
    });

    test('rows not loaded yet are placeholders with their line number, filled when their page comes', async () => {
        const { viewer, calls, rows, draw } = createViewer(100000);
        viewer.put(50000, [entry(50001)], 100000);
        viewer.scrollToIndex(50000, 0);
        frames.flush();
        const placeholders = rows().filter((r) => r.className.includes('log-placeholder'));
        assert.ok(placeholders.length > 0);
        assert.ok(placeholders.every((r) => /^\d+$/.test(r.children[0].textContent)), 'the line number is known');
        await draw();
        assert.ok(calls.ranges.some(([from]) => from <= 50000 && 50000 < from + 200));
        assert.equal(rows().filter((r) => r.className.includes('log-placeholder')).length, 0);
    });

    test('a line after a long silence says so; the divider marks the first line not seen', async () => {
        const { viewer, draw, row } = createViewer(0);
        viewer.live([
            { ...entry(1, { timestamp: '2026-01-01T00:00:00Z' }), position: 0 },
            { ...entry(2, { timestamp: '2026-01-01T00:00:42Z' }), position: 1 },
            { ...entry(3, { timestamp: '2026-01-01T00:00:43Z' }), position: 2 },
        ], 3);
        viewer.set({ divider: 2 });
        await draw();
        assert.ok(row(2).className.includes('log-after-silence'));
        assert.equal(row(2).dataset.silence, '42.0 s without output');
        assert.ok(!row(3).className.includes('log-after-silence'));
        assert.ok(row(3).className.includes('log-divider'));
    });
});

describe('LogViewer selection and copying', () => {
    test('a click on a line number selects it, a shift-click makes a range with it', async () => {
        const { draw, row, click, calls } = createViewer(10);
        await draw();
        click(row(3).children[0]);
        click(row(7).children[0], { shiftKey: true });
        assert.deepEqual(calls.selects, [{ from: 3, to: 3 }, { from: 3, to: 7 }]);
        await draw();
        assert.ok([3, 5, 7].every((l) => row(l).className.includes('log-selected')));
        assert.ok(!row(8).className.includes('log-selected'));
    });

    test('the copy bar copies the line or a link to the row under the pointer', async () => {
        const { viewer, draw, row, click, container, calls } = createViewer(10);
        await draw();
        container.dispatchEvent({ type: 'mouseover', target: row(4).children[4] });
        assert.equal(viewer.actions.hidden, false);
        click(viewer.actions.children[1]);
        click(viewer.actions.children[0]);
        assert.deepEqual(calls.copies, [['link', 4], ['line', 4]]);
    });

    test('arrow keys move a focused row (aria-activedescendant), Enter selects its line', async () => {
        const { viewer, draw, container, calls } = createViewer(10);
        await draw();
        const key = (k) => container.dispatchEvent({ type: 'keydown', key: k, target: container, preventDefault() {} });
        key('ArrowDown');
        key('ArrowDown');
        await draw();
        assert.equal(container.getAttribute('aria-activedescendant'), `log-row-${viewer.focused}`);
        key('Enter');
        assert.deepEqual(calls.selects, [{ from: viewer.focused + 1, to: viewer.focused + 1 }]);
    });
});

describe('LogViewer folds', () => {
    test('a folded step is one row; positions after it shift; a click on it asks to unfold', async () => {
        const { viewer, draw, rows, click, calls } = createViewer(10);
        const fold = { from: 2, to: 6, label: 'Step Build' };
        viewer.set({ folds: [fold] });
        await draw();
        assert.equal(viewer.rowCount(), 6);
        assert.deepEqual(rows().map((r) => r.dataset.line ?? 'fold'), ['1', '2', 'fold', '8', '9', '10']);
        assert.equal(viewer.rowOf(4), 2);
        assert.equal(viewer.rowOf(8), 4);
        assert.equal(rows()[2].textContent, '▸ Step Build — 5 lines folded');
        click(rows()[2].children[0]);
        assert.deepEqual(calls.folds, [fold]);
    });
});

describe('LogViewer and the live tail', () => {
    test('following, live entries show at the bottom; paused, the rows on screen stay', async () => {
        const { viewer, draw, rows } = createViewer(0);
        viewer.live(Array.from({ length: 20 }, (_, i) => ({ ...entry(i + 1), position: i })), 20);
        await draw();
        assert.equal(rows().at(-1).dataset.line, '20');
        viewer.pause();
        await draw();
        const top = viewer.firstVisibleLine();
        assert.equal(top, 16, 'the screen shows lines 16-20');
        viewer.live(Array.from({ length: 50 }, (_, i) => ({ ...entry(i + 21), position: i + 20 })), 70);
        await draw();
        assert.equal(viewer.firstVisibleLine(), top, 'the same line at the top');
        assert.equal(viewer.list.rows.style.transform, 'translateY(0px)');
        assert.equal(viewer.following, false);
        viewer.follow();
        await draw();
        assert.equal(rows().at(-1).dataset.line, '70');
    });
});
