import { describe, test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDocument, ROW_HEIGHT, createFakeFrames, installGlobals, loadQuaeroLogs } from './fakes.mjs';

const { VirtualLog } = loadQuaeroLogs();

let frames;
let restore;

beforeEach(() => {
    frames = createFakeFrames();
    restore = installGlobals({
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
        // The row height the page's CSS gives (--log-row-height), the fake rows' height.
        getComputedStyle: () => ({ getPropertyValue: () => `${ROW_HEIGHT}px` }),
    });
});

afterEach(() => {
    mock.timers.reset();
    restore();
});

/** A list of `count` rows on a container 100 px high (five rows); row d's text is its number. */
function createList(count, options = {}) {
    const document = new FakeDocument();
    const container = document.createElement('div');
    container.clientHeight = 100;
    const state = { count, wanted: [], follows: [] };
    const list = new VirtualLog(container, {
        count: () => state.count,
        key: (d) => `${d}`,
        render: (d) => {
            const row = document.createElement('div');
            row.className = 'log-entry';
            row.textContent = String(d);
            return row;
        },
        want: (from, to, jumping) => state.wanted.push({ from, to, jumping }),
        onFollowChange: (following) => state.follows.push(following),
        ...options,
    });
    frames.flush();
    const drawn = () => [...list.above.children, ...list.below.children].map((row) => Number(row.textContent));
    const scrollTo = (top) => {
        container.scrollTop = top;
        container.dispatch('scroll');
        frames.flush();
    };
    return { container, list, state, drawn, scrollTo };
}

describe('VirtualLog', () => {
    test('a million rows: only those on screen and a margin are drawn, the scroll range is capped', () => {
        const { list, drawn, container } = createList(1000000);
        assert.ok(drawn().length <= 100 / ROW_HEIGHT + 2 * list.o.margin, `${drawn().length} rows drawn`);
        assert.equal(drawn().at(-1), 999999, 'following: the newest row is drawn');
        assert.equal(list.spacer.style.height, `${15000000 - 100}px`);
        assert.equal(container.getAttribute('aria-rowcount'), '1000000');
        assert.equal(container.scrollTop, 15000000 - 100, 'at the bottom');
    });

    test('while following, new rows keep the reader at the bottom', () => {
        const { list, state, drawn, container } = createList(50);
        state.count = 80;
        list.schedule();
        frames.flush();
        assert.equal(drawn().at(-1), 79);
        assert.equal(container.scrollTop, 80 * ROW_HEIGHT - 100);
        assert.equal(list.rows.style.transform, 'translateY(-120px)', 'the bottom rows fill the screen from below');
    });

    test('a reader who scrolled up keeps their rows while the list grows under them', () => {
        const { list, state, drawn, scrollTo } = createList(500);
        scrollTo(100 * ROW_HEIGHT);
        assert.deepEqual(state.follows, [false]);
        const before = drawn();
        assert.ok(before.includes(100) && before.includes(104));
        state.count = 5000;
        list.schedule();
        frames.flush();
        assert.deepEqual(drawn(), before);
        assert.equal(list.top.d, 100);
    });

    test('a small scroll moves by pixels through the rows\' heights; a big one places by proportion', () => {
        const { list, scrollTo, state } = createList(1000000);
        scrollTo(0);
        assert.deepEqual(list.top, { d: 0, px: 0 });
        // Scaled: the range is 15,000,000 px for 20,000,000 px of rows, so 30 px of scrollbar are 40 of rows.
        scrollTo(30);
        assert.ok(list.k > 1.33 && list.k < 1.34, `k ${list.k}`);
        assert.ok(Math.abs(list.top.d * ROW_HEIGHT + list.top.px - 30 * list.k) < 1e-6, JSON.stringify(list.top));
        assert.equal(list.rows.style.transform, `translateY(${-list.top.px}px)`);
        scrollTo(35);
        assert.ok(Math.abs(list.top.d * ROW_HEIGHT + list.top.px - 35 * list.k) < 1e-6, JSON.stringify(list.top));
        // Dragging the scrollbar to the middle of a scaled range: the middle of the list.
        scrollTo(7500000);
        assert.ok(Math.abs(list.top.d - 500000) < 100, `top ${list.top.d}`);
        assert.equal(state.wanted.at(-1).jumping, true, 'the cache is told the reader is jumping');
    });

    test('wrapped rows taller than the estimate scroll by their measured height', () => {
        const { list, container, scrollTo } = createList(100);
        scrollTo(0);
        for (const row of list.below.children) row.fakeHeight = 60;
        container.scrollTop = 50;
        container.dispatch('scroll');
        assert.deepEqual(list.top, { d: 0, px: 50 }, 'still inside the first, 60 px tall row');
        container.scrollTop = 70;
        container.dispatch('scroll');
        assert.deepEqual(list.top, { d: 1, px: 10 });
    });

    test('scrolling back to the bottom follows again', () => {
        const { state, scrollTo, list } = createList(500);
        scrollTo(0);
        scrollTo(500 * ROW_HEIGHT - 100);
        assert.deepEqual(state.follows, [false, true]);
        assert.equal(list.following, true);
    });

    test('scrollToRow shows the row a third down the screen, stops following and moves the scrollbar', () => {
        const { list, state, drawn, container } = createList(1000);
        list.scrollToRow(400);
        frames.flush();
        assert.equal(list.following, false);
        assert.deepEqual(state.follows, [false]);
        assert.ok(drawn().includes(400));
        assert.equal(list.top.d, 400 - Math.floor(100 / 3 / ROW_HEIGHT));
        assert.equal(container.scrollTop, list.top.d * ROW_HEIGHT);
    });

    test('a list shorter than the screen is drawn from the top, without a spacer', () => {
        const { drawn, list } = createList(3);
        assert.deepEqual(drawn(), [0, 1, 2]);
        assert.equal(list.spacer.style.height, '0px');
        assert.equal(list.rows.style.transform, 'translateY(0px)');
    });

    test('a row whose key did not change is not rebuilt, and unchanged rows are not touched', () => {
        let built = 0;
        const { list } = createList(500, {
            key: (d) => `${d}`,
            render: (d) => {
                built++;
                const row = new FakeDocument().createElement('div');
                row.className = 'log-entry';
                row.textContent = String(d);
                return row;
            },
        });
        const first = built;
        list.schedule();
        frames.flush();
        assert.equal(built, first);
    });

    test('after scrolling stops, the scrollbar comes back in line with the rows', () => {
        mock.timers.enable({ apis: ['setTimeout'] });
        const { list, container } = createList(1000);
        container.scrollTop = 200;
        container.dispatch('scroll');
        frames.flush();
        list.top = { d: 30, px: 0 };
        mock.timers.tick(150);
        assert.equal(container.scrollTop, 30 * ROW_HEIGHT);
    });
});
