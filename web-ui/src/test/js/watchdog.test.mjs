import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    FakeEventSource, createFakeFetch, createFakeFrames, deferred, entry, installGlobals, loadQuaeroLogs,
    logsEvent, settle,
} from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const ENDPOINT = '/api/jobs/42/logs/stream';
const offsets = (entries) => entries.map((e) => Number(e.cursor.split('-')[1]));

let fetch;
let setIntervalSpy;
let restoreGlobals;
const streams = [];

beforeEach(() => {
    FakeEventSource.reset();
    fetch = createFakeFetch(() => ({ logs: [], meta: { total_count: 0, displayed_count: 0 } }));
    const frames = createFakeFrames();
    restoreGlobals = installGlobals({
        EventSource: FakeEventSource,
        fetch,
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
    });
    mock.timers.enable({ apis: ['setTimeout'] });
    setIntervalSpy = mock.method(globalThis, 'setInterval');
});

afterEach(async () => {
    // Let answered requests finish under the fakes, then stop every stream the test made.
    await settle();
    for (const stream of streams.splice(0)) stream.disconnect();
    assert.equal(setIntervalSpy.mock.callCount(), 0, 'the library never polls with setInterval');
    mock.timers.reset();
    mock.restoreAll();
    restoreGlobals();
});

function setFetch(respond) {
    fetch = createFakeFetch(respond);
    globalThis.fetch = fetch;
}

function connectedStream(options = {}, filters = {}) {
    const stream = QuaeroLogs.createStream(ENDPOINT, options);
    streams.push(stream);
    stream.connect(filters);
    FakeEventSource.last.emitOpen();
    return stream;
}

describe('watchdog', () => {
    test('makes no request while events keep arriving within fallbackTimeoutMs', async () => {
        const stream = connectedStream();
        const source = FakeEventSource.last;
        let offset = 0;
        for (let i = 0; i < 20; i++) {
            mock.timers.tick(14000);
            await settle(1);
            source.emit('logs', logsEvent([++offset]));
        }
        assert.equal(fetch.calls.length, 0);
        assert.equal(FakeEventSource.instances.length, 1, 'the stream is not reopened either');
        assert.equal(stream.logs.length, 20);
    });

    test('any event re-arms it: logs, status and ping', async () => {
        connectedStream();
        const source = FakeEventSource.last;
        const events = [
            () => source.emit('ping', {}),
            () => source.emit('status', { job: { status: 'RUNNING' } }),
            () => source.emit('logs', logsEvent([1])),
        ];
        for (let i = 0; i < 12; i++) {
            mock.timers.tick(14999);
            await settle(1);
            events[i % events.length]();
        }
        assert.equal(fetch.calls.length, 0);
        assert.equal(FakeEventSource.instances.length, 1);
    });

    test('opening the connection arms it too', async () => {
        connectedStream();
        mock.timers.tick(14999);
        await settle(1);
        assert.equal(fetch.calls.length, 0);
        mock.timers.tick(1);
        assert.equal(fetch.calls.length, 1);
    });

    test('a ping re-arms it: the fetch comes fallbackTimeoutMs after the ping, not after the last logs', async () => {
        connectedStream();
        const source = FakeEventSource.last;
        source.emit('logs', logsEvent([1]));
        mock.timers.tick(14000);
        source.emit('ping', {});
        mock.timers.tick(14000);
        await settle(1);
        assert.equal(fetch.calls.length, 0, '28 s after the logs, 14 s after the ping');
        mock.timers.tick(1000);
        assert.equal(fetch.calls.length, 1, '15 s after the ping');
    });

    test('after fallbackTimeoutMs of silence fetches once from the plain endpoint with since = the last cursor', async () => {
        const stream = connectedStream({ limit: 25 }, { level: 'warn', stepId: 'extract' });
        const source = FakeEventSource.last;
        source.emit('logs', logsEvent([1, 2, 3], { total_count: 3, displayed_count: 3 }));
        setFetch(() => ({ logs: [entry(3), entry(4), entry(5)], meta: { total_count: 5, displayed_count: 5 } }));

        mock.timers.tick(14999);
        await settle();
        assert.equal(fetch.calls.length, 0);
        mock.timers.tick(1);
        await settle();

        assert.equal(fetch.calls.length, 1);
        const [url] = fetch.urls();
        assert.equal(url.pathname, '/api/jobs/42/logs');
        assert.deepEqual(Object.fromEntries(url.searchParams), { limit: '25', step: 'extract', level: 'warn', since: '0-3' });
        assert.deepEqual(offsets(stream.logs), [1, 2, 3, 4, 5], 'the fetched entries are merged without duplicates');
        assert.equal(stream.totalCount, 5);

        assert.equal(source.closed, true, 'the silent EventSource is closed');
        assert.equal(FakeEventSource.instances.length, 2);
        const reopened = FakeEventSource.last;
        assert.equal(reopened.path, ENDPOINT);
        assert.deepEqual(Object.fromEntries(reopened.params), { limit: '25', step: 'extract', level: 'warn', since: '0-5' });
    });

    test('keeps watching after the fallback: another silence means one more fetch, not polling', async () => {
        connectedStream();
        FakeEventSource.last.emit('logs', logsEvent([1]));
        mock.timers.tick(15000);
        await settle();
        assert.equal(fetch.calls.length, 1);

        const reopened = FakeEventSource.last;
        reopened.emitOpen();
        for (let i = 0; i < 5; i++) {
            mock.timers.tick(10000);
            await settle(1);
            reopened.emit('ping', {});
        }
        assert.equal(fetch.calls.length, 1, 'the reopened stream is healthy: no request');

        mock.timers.tick(15000);
        await settle();
        assert.equal(fetch.calls.length, 2);
        assert.equal(FakeEventSource.instances.length, 3);
    });

    test('a silence before any entry fetches and reopens without since', async () => {
        connectedStream();
        mock.timers.tick(15000);
        await settle();
        assert.equal(fetch.calls.length, 1);
        assert.equal(fetch.urls()[0].searchParams.has('since'), false);
        assert.equal(FakeEventSource.last.params.has('since'), false);
    });

    test('a failed fallback request is reported through onError and the stream is reopened anyway', async () => {
        const stream = connectedStream();
        const errors = [];
        stream.onError = (error) => errors.push(error);
        FakeEventSource.last.emit('logs', logsEvent([9]));
        globalThis.fetch = async (url) => ({ ok: false, status: 502, url, json: async () => ({}) });

        mock.timers.tick(15000);
        await settle();

        assert.equal(errors.length, 1);
        assert.match(errors[0].message, /GET \/api\/jobs\/42\/logs\?limit=100&since=0-9: HTTP 502/);
        assert.equal(FakeEventSource.instances.length, 2);
        assert.equal(FakeEventSource.last.params.get('since'), '0-9');
    });

    test('disconnect() disarms it: no fetch however long one waits', async () => {
        const stream = connectedStream();
        FakeEventSource.last.emit('logs', logsEvent([1]));
        stream.disconnect();
        for (let i = 0; i < 300; i++) {
            mock.timers.tick(1000);
            await settle(1);
        }
        assert.equal(fetch.calls.length, 0);
        assert.equal(FakeEventSource.instances.length, 1);
    });

    // silence() awaits the fetch and then calls open() unconditionally. A disconnect() (or
    // reconnect()) while that fetch is in flight is undone when it answers: a new EventSource
    // opens, handleLogs re-arms the watchdog, and the stream keeps fetching every
    // fallbackTimeoutMs after the page said it was done (e.g. the job view was destroyed).
    test('a disconnect() while the fallback request is in flight is final: nothing reopens',
        async () => {
            const stream = connectedStream();
            FakeEventSource.last.emit('logs', logsEvent([1]));
            const response = deferred();
            setFetch(() => response.promise);

            mock.timers.tick(15000);
            assert.equal(fetch.calls.length, 1);
            stream.disconnect();
            response.resolve({ logs: [entry(2)], meta: { total_count: 2, displayed_count: 2 } });
            await settle();

            assert.deepEqual(FakeEventSource.open.map((source) => source.url), [], 'no EventSource is open after disconnect()');
            for (let i = 0; i < 60; i++) {
                mock.timers.tick(1000);
                await settle(1);
            }
            assert.equal(fetch.calls.length, 1, 'no request after disconnect()');
        });
});
