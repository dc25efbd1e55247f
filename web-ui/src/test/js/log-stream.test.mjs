import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    FakeEventSource, createFakeFetch, createFakeFrames, entry, installGlobals, loadQuaeroLogs,
    logsEvent, range, settle,
} from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const ENDPOINT = '/api/jobs/42/logs/stream';
const offsets = (entries) => entries.map((e) => Number(e.cursor.split('-')[1]));

let frames;
let fetch;
let restoreGlobals;
const streams = [];

beforeEach(() => {
    FakeEventSource.reset();
    frames = createFakeFrames();
    fetch = createFakeFetch();
    restoreGlobals = installGlobals({
        EventSource: FakeEventSource,
        fetch,
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
    });
    mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(async () => {
    // Let answered requests finish under the fakes, then stop every stream the test made.
    await settle();
    for (const stream of streams.splice(0)) stream.disconnect();
    mock.timers.reset();
    mock.restoreAll();
    restoreGlobals();
});

/** Remembers a stream so that afterEach disconnects it. */
function track(stream) {
    streams.push(stream);
    return stream;
}

/** A connected stream with its onLogs batches recorded. */
function connectedStream(options = {}, filters = {}) {
    const stream = QuaeroLogs.createStream(ENDPOINT, options);
    streams.push(stream);
    const batches = [];
    stream.onLogs = (batch) => batches.push({ entries: [...batch.entries], replaced: batch.replaced });
    stream.connect(filters);
    const source = FakeEventSource.last;
    source.emitOpen();
    return { stream, source, batches };
}

describe('LogStream.connect', () => {
    test('opens one EventSource on the endpoint with the limit and the filters that are set', () => {
        const stream = track(QuaeroLogs.createStream(ENDPOINT, { limit: 50 }));
        stream.connect({ stepId: 'extract', level: 'warn', search: 'disk full & more', since: undefined });

        assert.equal(FakeEventSource.instances.length, 1);
        const source = FakeEventSource.last;
        assert.equal(source.path, ENDPOINT);
        assert.deepEqual(Object.fromEntries(source.params), {
            limit: '50', step: 'extract', level: 'warn', q: 'disk full & more',
        });
        assert.equal(source.params.has('since'), false, 'a first connect starts from the newest entries');
    });

    test('uses the default limit of 100 when none is given', () => {
        track(QuaeroLogs.createStream(ENDPOINT)).connect();
        assert.equal(FakeEventSource.last.url, `${ENDPOINT}?limit=100`);
    });

    test('a limit in the filters overrides the stream option', () => {
        track(QuaeroLogs.createStream(ENDPOINT, { limit: 50 })).connect({ limit: 500 });
        assert.equal(FakeEventSource.last.params.get('limit'), '500');
    });

    test('adds the job\'s partition to its own EventSource\'s URL, for a balancer to route by', () => {
        const { source } = connectedStream({ partition: 3 });
        assert.equal(source.params.get('partition'), '3');
        track(QuaeroLogs.createStream(ENDPOINT)).connect();
        assert.equal(FakeEventSource.last.params.has('partition'), false, 'none when the partition is unknown');
    });

    test('reports the connection through onConnect/onDisconnect and connected', () => {
        const stream = track(QuaeroLogs.createStream(ENDPOINT));
        const calls = [];
        stream.onConnect = () => calls.push('connect');
        stream.onDisconnect = () => calls.push('disconnect');
        stream.connect();
        assert.equal(stream.connected, false, 'not connected before open');
        FakeEventSource.last.emitOpen();
        assert.equal(stream.connected, true);
        FakeEventSource.last.emitError(FakeEventSource.CONNECTING);
        assert.equal(stream.connected, false);
        assert.deepEqual(calls, ['connect', 'disconnect']);
    });
});

describe('LogStream logs events', () => {
    test('append the entries in order and take the counts from meta', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([1, 2, 3], { total_count: 1000, displayed_count: 3 }));
        source.emit('logs', logsEvent([4], { total_count: 1001, displayed_count: 4 }));

        assert.deepEqual(offsets(stream.logs), [1, 2, 3, 4]);
        assert.equal(stream.lastCursor, '0-4');
        assert.equal(stream.totalCount, 1001);
        assert.equal(stream.displayedCount, 4);
        assert.equal(stream.connected, true);
    });

    test('each entry gets its position in the view: the last of an event is at displayed_count - 1', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([101, 102], { displayed_count: 40, has_more: true }));
        source.emit('logs', logsEvent([103], { displayed_count: 41 }));
        assert.deepEqual(stream.logs.map((e) => e.position), [38, 39, 40]);
    });

    test('snapshotLine is the last line of the first event after connecting: what storage held then', () => {
        const { stream, source } = connectedStream();
        assert.equal(stream.snapshotLine, null);
        source.emit('logs', logsEvent([7, 8], { displayed_count: 8 }));
        source.emit('logs', logsEvent([9], { displayed_count: 9 }));
        assert.equal(stream.snapshotLine, 8);
        stream.reconnect({ level: 'warn' });
        assert.equal(stream.snapshotLine, null, 'a new view begins with a new snapshot');
        FakeEventSource.last.emit('logs', logsEvent([], { displayed_count: 0 }));
        assert.equal(stream.snapshotLine, 0, 'nothing stored yet');
    });

    test('a search counted over the newest lines only is aligned once: positions and the count become the whole log\'s', async () => {
        const asked = [];
        let answer;
        const countBefore = (e) => { asked.push(e.line); return new Promise((resolve) => { answer = resolve; }); };
        const { stream, source, batches } = connectedStream({ countBefore });
        // 3 matches among the newest window's lines (from offset 900), the last two sent.
        source.emit('logs', logsEvent([950, 990], { displayed_count: 3, counted_from: '0-900', has_more: true }));
        assert.deepEqual(stream.logs.map((e) => e.position), [undefined, undefined], 'not known until the server says');
        assert.deepEqual(asked, [950], 'asked once, for the first entry');
        source.emit('logs', logsEvent([995], { displayed_count: 4, counted_from: '0-900' }));
        assert.deepEqual(asked, [950], 'not asked again while the answer is on its way');

        answer(56); // 56 matches before line 950 in the whole log: it is the 57th, the window's 2nd
        await settle();
        assert.equal(stream.displayedCount, 4 + 55);
        source.emit('logs', logsEvent([999], { displayed_count: 5, counted_from: '0-900' }));
        assert.equal(stream.logs.at(-1).position, 59);
        frames.flush();
        assert.ok(batches.length > 0, 'the page hears of the new count');
    });

    test('a count that is whole needs no alignment, and a new connection forgets an old one', () => {
        const countBefore = mock.fn(() => Promise.resolve(0));
        const { stream, source } = connectedStream({ countBefore });
        source.emit('logs', logsEvent([5], { displayed_count: 1 }));
        assert.equal(stream.logs[0].position, 0);
        assert.equal(countBefore.mock.callCount(), 0);
        stream.reconnect({ search: 'x' });
        FakeEventSource.last.emit('logs', logsEvent([7], { displayed_count: 1, counted_from: '0-6' }));
        assert.equal(stream.logs[0].position, undefined);
        assert.equal(countBefore.mock.callCount(), 1);
    });

    test('a replayed entry keeps the position of its first delivery; the fresh ones follow it', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([1, 2], { displayed_count: 2 }));
        source.emit('logs', logsEvent([2, 3], { displayed_count: 3 }));
        assert.deepEqual(stream.logs.map((e) => e.position), [0, 1, 2]);
    });

    test('entries at or before the last cursor are ignored (a replay after the browser reconnects)', () => {
        const { stream, source, batches } = connectedStream();
        source.emit('logs', logsEvent([1, 2, 3]));
        frames.flush();
        source.emit('logs', logsEvent([2, 3, 4, 5]));
        source.emit('logs', logsEvent([3]));
        frames.flush();

        assert.deepEqual(offsets(stream.logs), [1, 2, 3, 4, 5]);
        assert.deepEqual(batches.map((batch) => offsets(batch.entries)), [[1, 2, 3], [4, 5]]);
    });

    test('duplicates and older cursors replayed by a reopened EventSource are ignored', () => {
        mock.method(Math, 'random', () => 0.5);
        const { stream, source } = connectedStream({ reconnectDelayMs: 1000 });
        source.emit('logs', logsEvent([8, 9, 10]));
        source.emitError(FakeEventSource.CLOSED);
        mock.timers.tick(1000);

        const reopened = FakeEventSource.last;
        assert.notEqual(reopened, source);
        assert.equal(reopened.params.get('since'), '0-10');
        reopened.emitOpen();
        reopened.emit('logs', logsEvent([9, 10, 11, 12]));
        assert.deepEqual(offsets(stream.logs), [8, 9, 10, 11, 12]);
    });

    test('cursors are compared as numbers: 0-10 after 0-9 is fresh', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([8, 9]));
        source.emit('logs', logsEvent([10, 11]));
        assert.deepEqual(offsets(stream.logs), [8, 9, 10, 11]);
    });

    test('the buffer keeps the newest maxBufferSize entries', () => {
        const { stream, source } = connectedStream({ maxBufferSize: 5 });
        source.emit('logs', logsEvent([1, 2, 3]));
        source.emit('logs', logsEvent(range(4, 8)));

        assert.deepEqual(offsets(stream.logs), [4, 5, 6, 7, 8]);
        assert.equal(stream.lastCursor, '0-8');

        source.emit('logs', logsEvent([9]));
        assert.deepEqual(offsets(stream.logs), [5, 6, 7, 8, 9]);
    });

    test('one frame never hands more than maxBufferSize entries to onLogs (the newest)', () => {
        const { source, batches } = connectedStream({ maxBufferSize: 5 });
        source.emit('logs', logsEvent(range(1, 4)));
        source.emit('logs', logsEvent(range(5, 12)));
        frames.flush();
        assert.equal(batches.length, 1);
        assert.deepEqual(offsets(batches[0].entries), range(8, 12));
    });
});

describe('LogStream onLogs batching', () => {
    test('several logs events before the frame make one onLogs call with all their entries', () => {
        const { source, batches } = connectedStream();
        source.emit('logs', logsEvent([1, 2]));
        source.emit('logs', logsEvent([3]));
        source.emit('logs', logsEvent([4, 5]));
        assert.equal(batches.length, 0, 'nothing is rendered before the frame');
        assert.equal(frames.pending, 1, 'one frame is requested, not one per event');

        frames.flush();
        assert.equal(batches.length, 1);
        assert.deepEqual(offsets(batches[0].entries), range(1, 5));
        assert.equal(batches[0].replaced, false);

        source.emit('logs', logsEvent([6]));
        frames.flush();
        assert.equal(batches.length, 2);
        assert.deepEqual(offsets(batches[1].entries), [6]);
    });

    test('a logs event with only old entries still schedules a frame, with an empty batch', () => {
        const { source, batches } = connectedStream();
        source.emit('logs', logsEvent([1]));
        frames.flush();
        source.emit('logs', logsEvent([1]));
        frames.flush();
        assert.deepEqual(batches.map((batch) => batch.entries.length), [1, 0]);
    });

    test('without requestAnimationFrame the batch is delivered by a 16 ms timeout', () => {
        restoreGlobals();
        restoreGlobals = installGlobals({
            EventSource: FakeEventSource, fetch, requestAnimationFrame: undefined, cancelAnimationFrame: undefined,
        });
        const { source, batches } = connectedStream();
        source.emit('logs', logsEvent([1, 2]));
        source.emit('logs', logsEvent([3]));
        mock.timers.tick(15);
        assert.equal(batches.length, 0);
        mock.timers.tick(1);
        assert.equal(batches.length, 1);
        assert.deepEqual(offsets(batches[0].entries), [1, 2, 3]);
    });
});

describe('LogStream status events', () => {
    test('update status and steps and call onStatus with the payload', () => {
        const { stream, source } = connectedStream();
        const received = [];
        stream.onStatus = (data) => received.push(data);
        const payload = { job: { id: '42', status: 'RUNNING', progress: 40 }, steps: [{ id: 'extract', status: 'DONE' }] };
        source.emit('status', payload);

        assert.deepEqual(stream.status, payload.job);
        assert.deepEqual(stream.steps, payload.steps);
        assert.deepEqual(received, [payload]);
    });

    test('a service status is taken from data.service; steps stay when the payload has none', () => {
        const { stream, source } = connectedStream();
        source.emit('status', { job: { status: 'RUNNING' }, steps: [{ id: 'a' }] });
        source.emit('status', { service: { name: 'gateway', instances: 2 } });
        assert.deepEqual(stream.status, { name: 'gateway', instances: 2 });
        assert.deepEqual(stream.steps, [{ id: 'a' }]);
    });
});

describe('LogStream reset events', () => {
    test('overflow with a cursor reopens from that cursor and keeps the buffer', () => {
        const { stream, source, batches } = connectedStream({}, { level: 'warn' });
        const resets = [];
        stream.onReset = (payload) => resets.push(payload);
        source.emit('logs', logsEvent([1, 2, 3]));
        frames.flush();
        source.emit('reset', { reason: 'overflow', cursor: '0-3' });

        assert.deepEqual(resets, [{ reason: 'overflow', cursor: '0-3' }]);
        assert.equal(source.closed, true, 'the old EventSource is closed');
        assert.equal(FakeEventSource.instances.length, 2);
        const reopened = FakeEventSource.last;
        assert.equal(reopened.params.get('since'), '0-3');
        assert.equal(reopened.params.get('level'), 'warn', 'the filters are kept');
        assert.deepEqual(offsets(stream.logs), [1, 2, 3]);

        reopened.emit('logs', logsEvent([3, 4]));
        frames.flush();
        assert.deepEqual(offsets(stream.logs), [1, 2, 3, 4]);
        assert.deepEqual(batches.map((batch) => batch.replaced), [false, false]);
    });

    for (const reason of ['cursor-expired', 'unknown-cursor', 'too-far-behind', 'record-rejected']) {
        test(`${reason} clears the buffer and reopens from the newest entries (no since)`, () => {
            const { stream, source, batches } = connectedStream({ limit: 20 }, { stepId: 'load' });
            source.emit('logs', logsEvent([100, 101], { total_count: 500, displayed_count: 2, has_more: true }));
            frames.flush();
            source.emit('reset', { reason, cursor: '0-101' });

            assert.deepEqual(stream.logs, []);
            assert.equal(stream.lastCursor, null);
            assert.equal(stream.totalCount, 0);
            const reopened = FakeEventSource.last;
            assert.notEqual(reopened, source);
            assert.equal(source.closed, true);
            assert.deepEqual(Object.fromEntries(reopened.params), { limit: '20', step: 'load' });

            reopened.emit('logs', logsEvent([5, 6]));
            frames.flush();
            assert.deepEqual(offsets(stream.logs), [5, 6], 'lower cursors are accepted after a restart');
            assert.deepEqual(offsets(batches.at(-1).entries), [5, 6]);
            assert.equal(batches.at(-1).replaced, true);
        });
    }

    test('a reset without a cursor also starts again from the newest entries', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([1]));
        source.emit('reset', { reason: 'overflow' });
        assert.deepEqual(stream.logs, []);
        assert.equal(FakeEventSource.last.params.has('since'), false);
    });
});

describe('LogStream errors and back-off', () => {
    test('an error while CONNECTING leaves the retry to the browser: no new EventSource', () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([1]));
        source.emitError(FakeEventSource.CONNECTING);
        for (let i = 0; i < 14; i++) mock.timers.tick(1000);

        assert.equal(FakeEventSource.instances.length, 1);
        assert.equal(source.closed, false);
        assert.equal(stream.connected, false);
        source.emitOpen();
        assert.equal(stream.connected, true);
    });

    test('an error with CLOSED reopens once after reconnectDelayMs, with since = the last cursor', () => {
        mock.method(Math, 'random', () => 0.5); // no jitter: exactly the delay
        const { source } = connectedStream({ reconnectDelayMs: 1000 }, { level: 'error' });
        source.emit('logs', logsEvent([7, 8]));
        source.emitError(FakeEventSource.CLOSED);

        mock.timers.tick(999);
        assert.equal(FakeEventSource.instances.length, 1);
        mock.timers.tick(1);
        assert.equal(FakeEventSource.instances.length, 2);
        assert.deepEqual(Object.fromEntries(FakeEventSource.last.params), { limit: '100', level: 'error', since: '0-8' });
        mock.timers.tick(5000);
        assert.equal(FakeEventSource.instances.length, 2, 'one reopen per error');
    });

    test('the back-off doubles after each failure up to maxReconnectDelayMs and resets on open', () => {
        mock.method(Math, 'random', () => 0.5);
        connectedStream({ reconnectDelayMs: 1000, maxReconnectDelayMs: 5000, fallbackTimeoutMs: 60000 });
        const delays = [];
        for (let attempt = 0; attempt < 5; attempt++) {
            const failing = FakeEventSource.last;
            failing.emitError(FakeEventSource.CLOSED);
            let waited = 0;
            while (FakeEventSource.last === failing) {
                mock.timers.tick(100);
                waited += 100;
            }
            delays.push(waited);
        }
        assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);

        FakeEventSource.last.emitOpen();
        const failing = FakeEventSource.last;
        failing.emitError(FakeEventSource.CLOSED);
        mock.timers.tick(999);
        assert.equal(FakeEventSource.last, failing);
        mock.timers.tick(1);
        assert.notEqual(FakeEventSource.last, failing, 'an open connection resets the delay');
    });

    test('the reopen delay is jittered between 0.5x and 1.5x of the current delay', () => {
        for (const [random, expected] of [[0, 500], [0.25, 750], [0.999, 1499]]) {
            FakeEventSource.reset();
            mock.method(Math, 'random', () => random);
            const { source } = connectedStream({ reconnectDelayMs: 1000 });
            source.emitError(FakeEventSource.CLOSED);
            mock.timers.tick(expected - 1);
            assert.equal(FakeEventSource.instances.length, 1, `random ${random}: not before ${expected} ms`);
            mock.timers.tick(1);
            assert.equal(FakeEventSource.instances.length, 2, `random ${random}: at ${expected} ms`);
            mock.restoreAll();
        }
    });

    test('an error from an EventSource that was already replaced schedules nothing', () => {
        mock.method(Math, 'random', () => 0.5);
        const { source } = connectedStream({ reconnectDelayMs: 1000 });
        source.emit('reset', { reason: 'overflow', cursor: '0-1' });
        source.emitError(FakeEventSource.CLOSED);
        mock.timers.tick(5000);
        assert.equal(FakeEventSource.instances.length, 2);
    });
});

describe('LogStream.disconnect', () => {
    test('closes the EventSource and calls onDisconnect', () => {
        const { stream, source } = connectedStream();
        let disconnected = 0;
        stream.onDisconnect = () => disconnected++;
        stream.disconnect();
        assert.equal(source.closed, true);
        assert.equal(stream.eventSource, null);
        assert.equal(stream.connected, false);
        assert.equal(disconnected, 1);
    });

    test('leaves no timer behind: no fetch and no EventSource however long one waits', async () => {
        const { stream, source } = connectedStream();
        source.emit('logs', logsEvent([1]));
        stream.disconnect();
        for (let i = 0; i < 600; i++) {
            mock.timers.tick(1000);
            await settle(1);
        }
        frames.flush();
        assert.equal(fetch.calls.length, 0);
        assert.equal(FakeEventSource.instances.length, 1);
    });

    test('cancels a scheduled reopen', () => {
        const { stream, source } = connectedStream();
        source.emitError(FakeEventSource.CLOSED);
        stream.disconnect();
        for (let i = 0; i < 120; i++) mock.timers.tick(1000);
        assert.equal(FakeEventSource.instances.length, 1);
        // The refusal asked once whether the session is still there; nothing else was fetched.
        assert.deepEqual(fetch.urls().map((u) => u.pathname), ['/api/session']);
    });

    test('cancels the pending frame: onLogs is not called afterwards', () => {
        const { stream, source, batches } = connectedStream();
        source.emit('logs', logsEvent([1]));
        stream.disconnect();
        frames.flush();
        assert.equal(batches.length, 0);
        assert.equal(frames.pending, 0);
    });
});

describe('LogStream.reconnect', () => {
    test('clears the buffer and opens a new EventSource with the new filters, from the newest', () => {
        const { stream, source, batches } = connectedStream({}, { level: 'info' });
        source.emit('logs', logsEvent([1, 2, 3], { total_count: 3, displayed_count: 3 }));
        frames.flush();

        stream.reconnect({ level: 'error', search: 'timeout' });

        assert.equal(source.closed, true);
        assert.deepEqual(stream.logs, []);
        assert.equal(stream.totalCount, 0);
        assert.equal(stream.lastCursor, null);
        assert.equal(FakeEventSource.open.length, 1);
        assert.deepEqual(Object.fromEntries(FakeEventSource.last.params), { limit: '100', level: 'error', q: 'timeout' });
        assert.deepEqual(stream.filters, { level: 'error', search: 'timeout' });

        FakeEventSource.last.emit('logs', logsEvent([2]));
        frames.flush();
        assert.deepEqual(offsets(batches.at(-1).entries), [2]);
        assert.equal(batches.at(-1).replaced, true);
    });

    test('without arguments keeps the current filters', () => {
        const { stream } = connectedStream({}, { stepId: 'extract' });
        stream.reconnect();
        assert.equal(FakeEventSource.last.params.get('step'), 'extract');
        assert.equal(FakeEventSource.last.params.has('since'), false);
    });
});

describe('createServiceStream', () => {
    test('without a shared connection is a plain LogStream on /api/service/logs/stream', () => {
        const stream = track(QuaeroLogs.createServiceStream({ connection: null, limit: 30 }));
        assert.equal(stream.constructor, QuaeroLogs.LogStream);
        assert.equal(stream.endpoint, '/api/service/logs/stream');
        stream.connect({ level: 'warn' });
        assert.equal(FakeEventSource.last.url, '/api/service/logs/stream?limit=30&level=warn');
    });

    test('where the page has no window (or no BroadcastChannel, or no Web Locks) streams use their own EventSource', () => {
        const restore = installGlobals({ BroadcastChannel: undefined, navigator: { locks: {} } });
        try {
            const stream = track(QuaeroLogs.createServiceStream());
            assert.equal(stream.options.connection, null);
        } finally {
            restore();
        }
    });
});

