import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    FakeBroadcastChannel, FakeEventSource, createFakeFetch, createFakeFrames, createFakeLocks, installGlobals,
    loadQuaeroLogs, logsEvent, settle,
} from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const SERVICE_STREAM = '/api/service/logs/stream';
const LOCK = 'quaero-service-logs';
const offsets = (entries) => entries.map((e) => Number(e.cursor.split('-')[1]));

let frames;
let fetch;
let locks;
let restoreGlobals;
let tabs;

beforeEach(() => {
    FakeEventSource.reset();
    FakeBroadcastChannel.reset();
    frames = createFakeFrames();
    fetch = createFakeFetch();
    locks = createFakeLocks();
    tabs = [];
    restoreGlobals = installGlobals({
        EventSource: FakeEventSource,
        fetch,
        BroadcastChannel: FakeBroadcastChannel,
        navigator: { locks },
        requestAnimationFrame: frames.requestAnimationFrame,
        cancelAnimationFrame: frames.cancelAnimationFrame,
    });
    mock.timers.enable({ apis: ['setTimeout'] });
});

afterEach(async () => {
    for (const tab of tabs) tab.stream.disconnect();
    await settle();
    mock.timers.reset();
    mock.restoreAll();
    restoreGlobals();
});

/**
 * One browser tab: a shared service stream with what it rendered (the entries of every onLogs
 * batch since the last replaced one) and the filters other tabs told it about.
 */
function openTab(filters = { level: 'info' }, options = { limit: 50 }) {
    const stream = QuaeroLogs.createServiceStream(options);
    assert.ok(stream instanceof QuaeroLogs.SharedServiceStream);
    const tab = { stream, rendered: [], filterChanges: [] };
    stream.onLogs = (batch) => {
        if (batch.replaced) tab.rendered = [];
        tab.rendered.push(...batch.entries);
    };
    stream.onFilters = (changed) => tab.filterChanges.push({ ...changed });
    stream.connect(filters);
    tabs.push(tab);
    return tab;
}

/** Lets messages and lock grants go round, then runs the pending animation frames. */
async function settleAndRender() {
    await settle();
    frames.flush();
}

/** Two tabs: the first leads (it has opened the EventSource), the second follows. */
async function leaderAndFollower(filters, followerOptions) {
    const leader = openTab(filters);
    await settle();
    const source = FakeEventSource.last;
    source.emitOpen();
    const follower = openTab(filters, followerOptions);
    await settleAndRender();
    return { leader, follower, source };
}

describe('SharedServiceStream', () => {
    test('only the first tab opens an EventSource; the second waits for the lock', async () => {
        const first = openTab({ level: 'warn' });
        await settle();
        assert.equal(FakeEventSource.instances.length, 1);
        assert.equal(FakeEventSource.last.url, `${SERVICE_STREAM}?limit=50&level=warn`);
        assert.ok(first.stream.leader, 'the first tab holds the lock');

        const second = openTab({ level: 'warn' });
        await settle();
        assert.equal(FakeEventSource.instances.length, 1, 'one EventSource for both tabs');
        assert.equal(second.stream.leader, null);
        assert.deepEqual(locks.state(LOCK), { held: true, waiting: 1 });
    });

    test('the follower receives the relayed logs and state, without duplicates', async () => {
        const { leader, follower, source } = await leaderAndFollower();
        assert.equal(follower.stream.connected, true, 'the snapshot tells it the stream is connected');

        source.emit('logs', logsEvent([1, 2, 3], { total_count: 3, displayed_count: 3 }));
        await settleAndRender();
        source.emit('logs', logsEvent([3, 4], { total_count: 4, displayed_count: 4 }));
        source.emit('logs', logsEvent([2, 5], { total_count: 5, displayed_count: 5 }));
        await settleAndRender();

        for (const tab of [leader, follower]) {
            assert.deepEqual(offsets(tab.stream.logs), [1, 2, 3, 4, 5]);
            assert.deepEqual(offsets(tab.rendered), [1, 2, 3, 4, 5]);
            assert.equal(tab.stream.totalCount, 5);
        }
        assert.equal(FakeEventSource.instances.length, 1);

        source.emitError(FakeEventSource.CONNECTING);
        await settle();
        assert.equal(follower.stream.connected, false);
        source.emitOpen();
        await settle();
        assert.equal(follower.stream.connected, true, 'the connection state is relayed');
    });

    test('a tab that joins late gets a snapshot of the leader\'s buffer, then the live entries', async () => {
        const leader = openTab();
        await settle();
        const source = FakeEventSource.last;
        source.emitOpen();
        source.emit('logs', logsEvent([1, 2, 3], { total_count: 3, displayed_count: 3 }));

        const late = openTab();
        await settleAndRender();
        assert.deepEqual(offsets(late.stream.logs), [1, 2, 3]);
        assert.equal(late.stream.connected, true);
        assert.equal(late.stream.totalCount, 3);

        source.emit('logs', logsEvent([3, 4]));
        await settleAndRender();
        assert.deepEqual(offsets(late.rendered), [1, 2, 3, 4]);
        assert.deepEqual(offsets(leader.stream.logs), [1, 2, 3, 4]);
    });

    test('the follower applies relayed status events', async () => {
        const { follower, source } = await leaderAndFollower();
        const statuses = [];
        follower.stream.onStatus = (data) => statuses.push(data);
        source.emit('status', { service: { name: 'gateway' }, steps: [] });
        await settle();
        assert.deepEqual(follower.stream.status, { name: 'gateway' });
        assert.equal(statuses.length, 1);
    });

    test('when the leader disconnects the follower takes the lock and resumes with since = its last cursor', async () => {
        const { leader, follower, source } = await leaderAndFollower({ level: 'info' });
        source.emit('logs', logsEvent([1, 2, 3]));
        await settleAndRender();

        leader.stream.disconnect();
        await settleAndRender();

        assert.equal(source.closed, true);
        assert.ok(follower.stream.leader, 'the follower leads now');
        assert.equal(FakeEventSource.instances.length, 2);
        const takeover = FakeEventSource.last;
        assert.equal(takeover.path, SERVICE_STREAM);
        assert.deepEqual(Object.fromEntries(takeover.params), { limit: '50', level: 'info', since: '0-3' });
        assert.deepEqual(FakeEventSource.open, [takeover]);

        takeover.emitOpen();
        takeover.emit('logs', logsEvent([3, 4, 5]));
        await settleAndRender();
        assert.deepEqual(offsets(follower.stream.logs), [1, 2, 3, 4, 5]);
        assert.deepEqual(offsets(follower.rendered), [1, 2, 3, 4, 5], 'no gap and no repeat in what it shows');
        assert.equal(follower.stream.connected, true);
    });

    test('a third tab follows the new leader after a takeover', async () => {
        const { leader, source } = await leaderAndFollower();
        const third = openTab();
        await settle();
        source.emit('logs', logsEvent([1]));
        await settle();

        leader.stream.disconnect();
        await settle();
        assert.equal(FakeEventSource.open.length, 1);
        FakeEventSource.last.emit('logs', logsEvent([1, 2]));
        await settleAndRender();
        assert.deepEqual(offsets(third.stream.logs), [1, 2]);
        assert.equal(third.stream.leader, null);
    });

    test('a filter change in the follower is applied by the leader, which reconnects with it', async () => {
        const { leader, follower, source } = await leaderAndFollower({ level: 'info' });
        source.emit('logs', logsEvent([1, 2]));
        await settleAndRender();

        follower.stream.reconnect({ level: 'error', search: 'timeout' });
        await settleAndRender();

        assert.deepEqual(leader.filterChanges, [{ level: 'error', search: 'timeout' }]);
        assert.deepEqual(follower.filterChanges, [], 'the tab that changed them is not told');
        assert.deepEqual(leader.stream.filters, { level: 'error', search: 'timeout' });
        assert.deepEqual(leader.stream.logs, [], 'the old filter\'s lines are gone');
        assert.equal(source.closed, true);
        assert.deepEqual(FakeEventSource.open.length, 1);
        assert.deepEqual(Object.fromEntries(FakeEventSource.last.params), { limit: '50', level: 'error', q: 'timeout' });

        FakeEventSource.last.emit('logs', logsEvent([7]));
        await settleAndRender();
        for (const tab of [leader, follower]) {
            assert.deepEqual(offsets(tab.stream.logs), [7]);
            assert.deepEqual(offsets(tab.rendered), [7]);
        }
    });

    test('a filter change in the leader is applied by the follower (onFilters) and reopens the stream', async () => {
        const { leader, follower, source } = await leaderAndFollower({ level: 'info' });
        source.emit('logs', logsEvent([1, 2]));
        await settleAndRender();

        leader.stream.reconnect({ level: 'warn' });
        await settleAndRender();

        assert.deepEqual(follower.filterChanges, [{ level: 'warn' }]);
        assert.deepEqual(follower.stream.filters, { level: 'warn' });
        assert.deepEqual(follower.stream.logs, []);
        assert.deepEqual(follower.rendered, [], 'the follower rendered an empty, replaced batch');
        assert.equal(FakeEventSource.open.length, 1);
        assert.equal(FakeEventSource.last.params.get('level'), 'warn');
        assert.equal(FakeEventSource.last.params.has('since'), false);
    });

    test('a follower that disconnects before it leads withdraws its lock request', async () => {
        const { leader, follower } = await leaderAndFollower();
        follower.stream.disconnect();
        await settle();
        assert.deepEqual(locks.state(LOCK), { held: true, waiting: 0 });

        leader.stream.disconnect();
        await settle();
        assert.equal(FakeEventSource.instances.length, 1, 'nobody takes over');
        assert.deepEqual(locks.state(LOCK), { held: false, waiting: 0 });
        assert.deepEqual(FakeEventSource.open, []);
    });

    test('a follower that hears nothing for fallbackTimeoutMs fetches what it missed from the plain endpoint', async () => {
        // The follower's timeout is shorter than the leader's, so only the follower's watchdog fires.
        const { leader, follower, source } = await leaderAndFollower({ level: 'info' }, { limit: 50, fallbackTimeoutMs: 10000 });
        source.emit('logs', logsEvent([1, 2]));
        await settle();
        globalThis.fetch = fetch = createFakeFetch(() => logsEvent([2, 3]));

        mock.timers.tick(9999);
        await settle();
        assert.equal(fetch.calls.length, 0);
        mock.timers.tick(1);
        await settleAndRender();

        assert.equal(fetch.calls.length, 1);
        const [url] = fetch.urls();
        assert.equal(url.pathname, '/api/service/logs');
        assert.deepEqual(Object.fromEntries(url.searchParams), { limit: '50', level: 'info', since: '0-2' });
        assert.deepEqual(offsets(follower.stream.logs), [1, 2, 3]);
        assert.deepEqual(offsets(follower.rendered), [1, 2, 3]);
        assert.deepEqual(offsets(leader.stream.logs), [1, 2], 'what a follower fetched is its own');
        assert.equal(follower.stream.leader, null, 'it does not open an EventSource of its own');
        assert.equal(FakeEventSource.instances.length, 1);
    });

    test('no tab fetches while logs keep arriving', async () => {
        const { source } = await leaderAndFollower();
        for (let i = 1; i <= 10; i++) {
            mock.timers.tick(10000);
            await settle(2);
            source.emit('logs', logsEvent([i]));
            await settle(2);
        }
        assert.equal(fetch.calls.length, 0);
    });

    // The leader's EventSource hears the gateway's pings (sent after 5 s of silence) but does not
    // relay them, so a follower's watchdog is only re-armed by logs/status/state messages: on a
    // quiet (e.g. error-level) service log every follower tab polls /api/service/logs every
    // fallbackTimeoutMs while the shared stream is perfectly healthy.
    test('pings received by the leader keep the followers from fetching',
        async () => {
            const { source } = await leaderAndFollower({ level: 'error' });
            for (let i = 0; i < 6; i++) {
                mock.timers.tick(5000);
                await settle(2);
                source.emit('ping', {});
                await settle(2);
            }
            assert.equal(fetch.calls.length, 0, 'a healthy stream is not polled');
        });

    // lead() replaces the inner stream's handleStatus with one that relays and updates the
    // outer stream but never calls the inner stream's heard(): status events do not re-arm the
    // leader's watchdog as they do in a plain LogStream.
    test('status events re-arm the leader\'s watchdog, as in a plain LogStream',
        async () => {
            const { source } = await leaderAndFollower();
            for (let i = 0; i < 6; i++) {
                mock.timers.tick(10000);
                await settle(2);
                assert.equal(source.closed, false, `after ${(i + 1) * 10} s with a status every 10 s the stream was reopened`);
                source.emit('status', { service: { name: 'gateway', tick: i } });
                await settle(2);
            }
            assert.equal(FakeEventSource.instances.length, 1, 'the healthy stream is not reopened');
            assert.equal(fetch.calls.length, 0);
        });

    // A LogStream clears its buffer on a restart reset (cursor-expired, too-far-behind,
    // unknown-cursor) and hands onLogs a replaced batch, so the view starts again. Every tab of a
    // shared stream must do the same; otherwise the newest lines would follow the old ones after
    // a silent gap, or (unknown-cursor) be dropped as "older" than the old last cursor.
    for (const [reason, fresh] of [['too-far-behind', [500, 501]], ['unknown-cursor', [3, 4]]]) {
        test(`a restart reset (${reason}) in the leader starts every tab again, as a LogStream does`,
            async () => {
                const { leader, follower, source } = await leaderAndFollower();
                source.emit('logs', logsEvent([10, 11]));
                await settleAndRender();
                source.emit('reset', { reason, cursor: '0-11' });
                FakeEventSource.last.emit('logs', logsEvent(fresh));
                await settleAndRender();
                for (const tab of [leader, follower]) {
                    assert.deepEqual(offsets(tab.stream.logs), fresh);
                    assert.deepEqual(offsets(tab.rendered), fresh);
                }
            });
    }
});
