import { describe, test, mock, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { deferred, entry, loadQuaeroLogs, settle } from './fakes.mjs';

const { RangeCache } = loadQuaeroLogs();

/** A range endpoint over a log of `total` lines: entry i is line i + 1. Records each request; `hold` keeps answers back. */
function server(total, { hold = false } = {}) {
    const requests = [];
    const fetchRange = (from, count, signal) => {
        const answer = deferred();
        const request = { from, count, signal, answer };
        requests.push(request);
        const body = () => ({
            from,
            logs: Array.from({ length: Math.max(0, Math.min(count, total - from)) }, (_, k) => entry(from + k + 1)),
            meta: { total_count: total, displayed_count: total, has_more: from + count < total },
        });
        request.release = () => answer.resolve(body());
        if (!hold) request.release();
        return answer.promise;
    };
    return { requests, fetchRange };
}

describe('RangeCache', () => {
    beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1000000 }));
    afterEach(() => mock.timers.reset());

    test('loads the pages the reader looks at, once each, and places their entries by position', async () => {
        const { requests, fetchRange } = server(1000);
        let changes = 0;
        const cache = new RangeCache({ fetchRange, pageSize: 100, onChange: () => changes++ });
        cache.setTotal(1000);
        cache.want(150, 260);
        cache.want(150, 260);
        await settle();

        assert.deepEqual(requests.map((r) => [r.from, r.count]), [[100, 100], [200, 100]]);
        assert.equal(cache.entry(150).line, 151);
        assert.equal(cache.entry(299).line, 300);
        assert.equal(cache.entry(300), undefined);
        assert.equal(changes, 2);
        cache.want(150, 260);
        assert.equal(requests.length, 2, 'nothing is fetched twice');
    });

    test('an empty view asks for nothing (an answer would set a total the live stream has not given)', async () => {
        const { requests, fetchRange } = server(5000);
        const cache = new RangeCache({ fetchRange, pageSize: 100 });
        cache.want(0, 1);
        cache.want(0, 40);
        await settle();
        assert.equal(requests.length, 0);
    });

    test('live entries land at their position; one without a position waits for its page', () => {
        const cache = new RangeCache({ fetchRange: server(0).fetchRange, pageSize: 10 });
        cache.putLive([{ ...entry(41), position: 40 }, { ...entry(42), position: 41 }, entry(43)]);
        assert.equal(cache.total, 42);
        assert.equal(cache.entry(41).line, 42);
        assert.equal(cache.entry(42), undefined);
    });

    test('in an unfiltered view it learns which line position 0 is (retention may have dropped the first)', () => {
        const cache = new RangeCache({ fetchRange: server(0).fetchRange });
        cache.clear(true);
        cache.putLive([{ ...entry(511), position: 500 }]);
        assert.equal(cache.base, 11);
        cache.clear(false);
        cache.putLive([{ ...entry(511), position: 500 }]);
        assert.equal(cache.base, null, 'a filtered view has no such line');
    });

    test('stays within maxPages: the least recently wanted pages go, never those on screen nor the newest', async () => {
        const { fetchRange } = server(10000);
        const cache = new RangeCache({ fetchRange, pageSize: 100, maxPages: 3 });
        cache.setTotal(10000);
        cache.putLive([{ ...entry(10000), position: 9999 }]);
        for (const from of [0, 1000, 2000, 3000]) {
            cache.want(from, from + 50);
            await settle();
        }
        assert.equal(cache.pages.size, 3);
        assert.ok(cache.entry(3000), 'on screen');
        assert.ok(cache.entry(9999), 'the newest, where the live tail lands');
        assert.equal(cache.entry(0), undefined, 'the oldest wanted went first');
    });

    test('stays within maxBytes', async () => {
        const { fetchRange } = server(10000);
        const cache = new RangeCache({ fetchRange, pageSize: 100, maxBytes: 100 * 1024 });
        cache.setTotal(10000);
        for (let from = 0; from < 5000; from += 100) {
            cache.want(from, from + 10);
            await settle();
        }
        assert.ok(cache.bytes <= 100 * 1024 + 100 * 300, `bytes ${cache.bytes}`);
        assert.ok(cache.size <= 400);
    });

    test('while the reader jumps nothing is fetched; when they stop, only where they stopped', async () => {
        const { requests, fetchRange } = server(100000);
        const cache = new RangeCache({ fetchRange, pageSize: 100, settleMs: 60 });
        cache.setTotal(100000);
        for (const from of [1000, 20000, 40000, 60000]) {
            cache.want(from, from + 40, true);
            mock.timers.tick(16);
        }
        assert.equal(requests.length, 0);
        mock.timers.tick(60);
        assert.deepEqual(requests.map((r) => r.from), [60000]);
    });

    test('a page left far behind is cancelled', () => {
        const { requests, fetchRange } = server(100000, { hold: true });
        const cache = new RangeCache({ fetchRange, pageSize: 100 });
        cache.setTotal(100000);
        cache.want(0, 40);
        cache.want(50000, 50040);
        assert.equal(requests[0].signal.aborted, true);
        assert.equal(requests[1].signal.aborted, false);
    });

    test('a page that failed is asked for again only after retryMs', async () => {
        let calls = 0;
        const cache = new RangeCache({
            fetchRange: async () => { calls++; throw new Error('HTTP 503'); },
            pageSize: 100, retryMs: 2000, onError: () => {},
        });
        cache.setTotal(1000);
        cache.want(0, 10);
        await settle();
        cache.want(0, 10);
        await settle();
        assert.equal(calls, 1);
        mock.timers.tick(2001);
        cache.want(0, 10);
        await settle();
        assert.equal(calls, 2);
    });

    test('after clear() an answer to an older request is dropped', async () => {
        const { requests, fetchRange } = server(1000, { hold: true });
        const cache = new RangeCache({ fetchRange, pageSize: 100 });
        cache.setTotal(1000);
        cache.want(0, 10);
        cache.clear();
        requests[0].release();
        await settle();
        assert.equal(cache.entry(0), undefined);
        assert.equal(cache.total, 0);
    });
});
