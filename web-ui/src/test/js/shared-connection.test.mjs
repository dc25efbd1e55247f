import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    FakeBroadcastChannel, FakeEventSource, createFakeFetch, createFakeFrames, createFakeLocks, installGlobals,
    loadQuaeroLogs, logsEvent, settle,
} from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const offsets = (entries) => entries.map((e) => Number(e.cursor.split('-')[1]));

let frames;
let restoreGlobals;
let connections;

beforeEach(() => {
    FakeEventSource.reset();
    FakeBroadcastChannel.reset();
    frames = createFakeFrames();
    connections = [];
    restoreGlobals = installGlobals({
        EventSource: FakeEventSource,
        fetch: createFakeFetch(),
        BroadcastChannel: FakeBroadcastChannel,
        navigator: { locks: createFakeLocks() },
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
    });
    mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(async () => {
    for (const c of connections) c.close();
    await settle();
    mock.timers.reset();
    restoreGlobals();
});

/** One browser tab: its SharedConnection, and a stream per endpoint with what it rendered. */
function openTab() {
    const connection = new QuaeroLogs.SharedConnection({ settleMs: 10 });
    connections.push(connection);
    return {
        connection,
        watch(endpoint, filters = {}) {
            const stream = QuaeroLogs.createStream(endpoint, { connection, limit: 50 });
            const view = { stream, rendered: [] };
            stream.onLogs = (batch) => {
                if (batch.replaced) view.rendered = [];
                view.rendered.push(...batch.entries);
            };
            stream.connect(filters);
            return view;
        },
    };
}

/** Lets messages and lock grants go round, the leader's settle timer fire, and frames render. */
async function settleAll() {
    await settle();
    mock.timers.tick(20);
    await settle();
    frames.flush();
}

/** The channels the newest shared EventSource asked for, by id. */
function channels() {
    const list = JSON.parse(FakeEventSource.last.params.get('channels'));
    return new Map(list.map((c) => [c.id, c]));
}

/** A channel event as the gateway writes it: the channel on the first data line, then the JSON. */
function emit(source, name, channel, payload, lastEventId = '') {
    const event = { type: name, data: `${channel}\n${JSON.stringify(payload)}`, lastEventId };
    for (const listener of source.listeners.get(name) ?? []) listener(event);
}

function channelOf(stream) {
    return stream.eventSource.id;
}

describe('SharedConnection', () => {
    test('the streams of three tabs are channels of one EventSource, held by the first tab', async () => {
        const tabs = [openTab(), openTab(), openTab()];
        const views = [
            tabs[0].watch('/api/jobs/j-1/logs/stream'),
            tabs[1].watch('/api/jobs/j-2/logs/stream', { level: 'warn' }),
            tabs[2].watch('/api/service/logs/stream'),
        ];
        await settleAll();

        assert.equal(FakeEventSource.open.length, 1, 'one connection for the browser');
        assert.equal(FakeEventSource.last.path, '/api/streams');
        const wanted = channels();
        assert.equal(wanted.size, 3);
        assert.deepEqual([...wanted.values()].map((c) => c.job ?? 'service').sort(), ['j-1', 'j-2', 'service']);
        assert.equal(wanted.get(channelOf(views[1].stream)).level, 'warn');
        assert.equal(wanted.get(channelOf(views[1].stream)).limit, '50');
    });

    test('each tab gets its own channel\'s events, and every tab hears the connection\'s state', async () => {
        const [a, b] = [openTab(), openTab()];
        const va = a.watch('/api/jobs/j-1/logs/stream');
        const vb = b.watch('/api/jobs/j-2/logs/stream');
        await settleAll();
        const source = FakeEventSource.last;
        source.emitOpen();
        emit(source, 'logs', channelOf(va.stream), logsEvent([1, 2]));
        emit(source, 'logs', channelOf(vb.stream), logsEvent([7]));
        emit(source, 'status', channelOf(vb.stream), { job: { id: 'j-2', status: 'running' }, steps: [] });
        await settleAll();

        assert.deepEqual(offsets(va.rendered), [1, 2]);
        assert.deepEqual(offsets(vb.rendered), [7]);
        assert.equal(vb.stream.status.status, 'running');
        assert.equal(va.stream.status, null);
        assert.equal(va.stream.connected, true);
        assert.equal(vb.stream.connected, true);
    });

    test('a tab that opens a stream makes the leader reconnect with it, the others resuming from their cursor', async () => {
        const [a, b] = [openTab(), openTab()];
        const va = a.watch('/api/jobs/j-1/logs/stream');
        await settleAll();
        const first = FakeEventSource.last;
        first.emitOpen();
        emit(first, 'logs', channelOf(va.stream), logsEvent([1, 2, 3]));
        // The gateway's id block after that batch; the next event carries it.
        emit(first, 'ping', '', {}, `${channelOf(va.stream)}:0-3`);
        emit(first, 'status', channelOf(va.stream), { job: { id: 'j-1', status: 'running' }, steps: [] },
            `${channelOf(va.stream)}:0-3`);

        b.watch('/api/jobs/j-2/logs/stream');
        await settleAll();
        assert.ok(first.closed, 'the old connection is closed');
        const wanted = channels();
        assert.equal(wanted.size, 2);
        assert.equal(wanted.get(channelOf(va.stream)).since, '0-3', 'the running channel resumes where it was');
        assert.equal(FakeEventSource.open.length, 1);
    });

    test('a stream that closes leaves the connection', async () => {
        const [a, b] = [openTab(), openTab()];
        a.watch('/api/jobs/j-1/logs/stream');
        const vb = b.watch('/api/jobs/j-2/logs/stream');
        await settleAll();
        vb.stream.disconnect();
        await settleAll();
        assert.deepEqual([...channels().values()].map((c) => c.job), ['j-1']);
    });

    test('when the leading tab closes another takes over and every channel resumes from its reader\'s cursor', async () => {
        const [a, b, c] = [openTab(), openTab(), openTab()];
        a.watch('/api/jobs/j-1/logs/stream');
        const vb = b.watch('/api/jobs/j-2/logs/stream');
        const vc = c.watch('/api/service/logs/stream');
        await settleAll();
        const first = FakeEventSource.last;
        first.emitOpen();
        emit(first, 'logs', channelOf(vb.stream), logsEvent([4, 5]));
        emit(first, 'logs', channelOf(vc.stream), logsEvent([9]));
        await settleAll();

        a.connection.close();
        await settleAll();
        assert.ok(first.closed);
        assert.equal(FakeEventSource.open.length, 1, 'the new leader holds the one connection');
        const wanted = channels();
        assert.deepEqual([...wanted.values()].map((ch) => ch.job ?? 'service').sort(), ['j-2', 'service']);
        assert.equal(wanted.get(channelOf(vb.stream)).since, '0-5');
        assert.equal(wanted.get(channelOf(vc.stream)).since, '0-9');

        const second = FakeEventSource.last;
        second.emitOpen();
        emit(second, 'logs', channelOf(vb.stream), logsEvent([5, 6]));
        await settleAll();
        assert.deepEqual(offsets(vb.rendered), [4, 5, 6], 'no gap, no repeat');
    });

    test('a reset of one channel reopens that channel from the cursor it names', async () => {
        const a = openTab();
        const va = a.watch('/api/jobs/j-1/logs/stream');
        const vs = a.watch('/api/service/logs/stream');
        await settleAll();
        const source = FakeEventSource.last;
        source.emitOpen();
        emit(source, 'logs', channelOf(va.stream), logsEvent([1, 2]));
        emit(source, 'reset', channelOf(va.stream), { reason: 'overflow', cursor: '0-2' });
        await settleAll();

        const wanted = channels();
        assert.equal(wanted.size, 2);
        assert.equal(wanted.get(channelOf(va.stream)).since, '0-2');
        assert.ok(wanted.has(channelOf(vs.stream)), 'the other channel stays');
    });

    test('pings on the connection keep every tab\'s watchdog from fetching', async () => {
        const [a, b] = [openTab(), openTab()];
        a.watch('/api/jobs/j-1/logs/stream');
        const vb = b.watch('/api/jobs/j-2/logs/stream');
        await settleAll();
        const source = FakeEventSource.last;
        source.emitOpen();
        for (let i = 0; i < 4; i++) {
            mock.timers.tick(vb.stream.options.fallbackTimeoutMs - 1000);
            source.emit('ping', {});
            await settle();
        }
        assert.equal(globalThis.fetch.calls.length, 0);
    });

    test('when the gateway refuses the connection the leader tries again later, with back-off', async () => {
        const a = openTab();
        const va = a.watch('/api/jobs/j-1/logs/stream');
        await settleAll();
        const refused = FakeEventSource.last;
        refused.emitError(FakeEventSource.CLOSED);
        await settleAll();
        assert.equal(va.stream.connected, false);
        assert.equal(FakeEventSource.last, refused, 'not at once');
        mock.timers.tick(2_000);
        await settle();
        assert.notEqual(FakeEventSource.last, refused);
        assert.equal(FakeEventSource.last.path, '/api/streams');
    });
});
