import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FakeEventSource, installGlobals, loadQuaeroLogs } from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const QuaeroWire = createRequire(import.meta.url)('../../../pages/static/js/wire.js');

let restoreGlobals;
let seen;

beforeEach(() => {
    FakeEventSource.reset();
    seen = [];
    restoreGlobals = installGlobals({ EventSource: FakeEventSource });
    mock.timers.enable({ apis: ['setTimeout'] });
    mock.method(Math, 'random', () => 0.5);
});

afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
    restoreGlobals();
});

/** A transport on /feed that records what it hears. */
function transport(extra = {}) {
    const t = new QuaeroLogs.Transport({
        open: (since) => new FakeEventSource(since ? `/feed?since=${since}` : '/feed'),
        on: { status: (data) => seen.push(data) },
        onOpen: () => seen.push('open'),
        onDown: () => seen.push('down'),
        onReset: (payload, over) => seen.push({ reset: payload.reason, over }),
        cursor: () => '0-9',
        reconnectDelayMs: 1000,
        maxReconnectDelayMs: 30000,
        ...extra,
    });
    t.open(null);
    return t;
}

describe('Transport', () => {
    test('hands each named event to its handler, parsed', () => {
        transport();
        FakeEventSource.last.emitOpen();
        FakeEventSource.last.emit('status', { job: { id: 'j' } });
        assert.deepEqual(seen, ['open', { job: { id: 'j' } }]);
    });

    test('a reset that resumes reopens at once from its cursor; one that starts over, from the start', () => {
        transport();
        FakeEventSource.last.emit('reset', { reason: 'overflow', cursor: '0-5' });
        assert.equal(FakeEventSource.last.url, '/feed?since=0-5');
        FakeEventSource.last.emit('reset', { reason: 'cursor-expired' });
        assert.equal(FakeEventSource.last.url, '/feed');
        assert.deepEqual(seen, [{ reset: 'overflow', over: false }, { reset: 'cursor-expired', over: true }]);
    });

    test('a busy reset waits the delay QuaeroWire gives for it before it reopens', () => {
        transport();
        const busy = FakeEventSource.last;
        busy.emit('reset', { reason: 'busy', cursor: '0-5' });
        assert.ok(busy.closed);
        assert.equal(FakeEventSource.instances.length, 1, 'not at once');
        const rule = QuaeroWire.disconnects.busy;
        mock.timers.tick((rule.minDelayMs + rule.maxDelayMs) / 2);
        assert.equal(FakeEventSource.last.url, '/feed?since=0-5');
    });

    test('a refused source is reopened after a jittered back-off that doubles, from the cursor', () => {
        transport();
        FakeEventSource.last.emitError(FakeEventSource.CLOSED);
        mock.timers.tick(999);
        assert.equal(FakeEventSource.instances.length, 1);
        mock.timers.tick(1);
        assert.equal(FakeEventSource.last.url, '/feed?since=0-9');
        FakeEventSource.last.emitError(FakeEventSource.CLOSED);
        mock.timers.tick(1999);
        assert.equal(FakeEventSource.instances.length, 2, 'the second wait is twice the first');
        mock.timers.tick(1);
        assert.equal(FakeEventSource.instances.length, 3);
        assert.deepEqual(seen, ['down', 'down']);
    });

    test('the watchdog is re-armed by every event, pings included, and fires only after a silence', () => {
        let silences = 0;
        transport({ silenceMs: 5000, onSilence: () => silences++ });
        for (let i = 0; i < 5; i++) {
            mock.timers.tick(4000);
            FakeEventSource.last.emit('ping', {});
        }
        assert.equal(silences, 0);
        mock.timers.tick(5000);
        assert.equal(silences, 1);
    });

    test('close stops the source and every timer', () => {
        let silences = 0;
        const t = transport({ silenceMs: 5000, onSilence: () => silences++ });
        FakeEventSource.last.emitError(FakeEventSource.CLOSED);
        t.close();
        mock.timers.tick(60_000);
        assert.equal(silences, 0);
        assert.equal(FakeEventSource.instances.length, 1);
        assert.ok(FakeEventSource.last.closed);
    });
});
