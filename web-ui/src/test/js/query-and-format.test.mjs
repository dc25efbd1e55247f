import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuaeroLogs } from './fakes.mjs';

const QuaeroLogs = loadQuaeroLogs();
const { buildQueryParams, levelClass, formatTimestamp, compareCursors } = QuaeroLogs;

describe('buildQueryParams', () => {
    test('an empty filter object gives an empty query string', () => {
        assert.equal(buildQueryParams({}), '');
    });

    test('maps each filter to its query name: stepId→step, search→q, level, limit, since, before', () => {
        const query = new URLSearchParams(buildQueryParams({
            limit: 50, stepId: 'extract', level: 'warn', search: 'boom', since: '0-10', before: '0-99',
        }));
        assert.deepEqual([...query], [
            ['limit', '50'], ['step', 'extract'], ['level', 'warn'], ['q', 'boom'], ['since', '0-10'], ['before', '0-99'],
        ]);
    });

    test('includes only the filters that are set', () => {
        assert.equal(buildQueryParams({ limit: 100, level: 'error' }), 'limit=100&level=error');
        assert.equal(buildQueryParams({ stepId: 'load' }), 'step=load');
    });

    test('drops undefined, null, empty and blank values', () => {
        assert.equal(buildQueryParams({
            limit: undefined, stepId: null, level: '', search: '   ', since: undefined, before: null,
        }), '');
    });

    test('keeps the number 0 (only blank values are dropped)', () => {
        assert.equal(buildQueryParams({ limit: 0 }), 'limit=0');
    });

    test('trims the values it keeps', () => {
        assert.equal(buildQueryParams({ stepId: '  extract ', level: ' warn', search: ' needle  ' }),
            'step=extract&level=warn&q=needle');
    });

    test('ignores properties that are not filters', () => {
        assert.equal(buildQueryParams({ limit: 10, step: 'x', q: 'y', unrelated: 'z' }), 'limit=10');
    });

    test('URL-encodes a search term with spaces, & and =', () => {
        const query = buildQueryParams({ search: 'disk full & retry=3 50%' });
        assert.equal(query, 'q=disk+full+%26+retry%3D3+50%25');
        assert.equal(new URLSearchParams(query).get('q'), 'disk full & retry=3 50%');
        assert.equal(new URLSearchParams(query).size, 1, 'the & must not start a second parameter');
    });

    test('URL-encodes non-ASCII and # so the fragment is not cut off', () => {
        const query = buildQueryParams({ search: 'café #42' });
        assert.ok(!query.includes('#'));
        assert.equal(new URLSearchParams(query).get('q'), 'café #42');
    });
});

describe('levelClass', () => {
    const expected = {
        debug: 'log-level-debug',
        info: 'log-level-info',
        warn: 'log-level-warn',
        warning: 'log-level-warn',
        error: 'log-level-error',
        fatal: 'log-level-fatal',
    };

    for (const [level, className] of Object.entries(expected)) {
        test(`maps ${level} to ${className}`, () => {
            assert.equal(levelClass(level), className);
        });
    }

    test('is case-insensitive', () => {
        assert.equal(levelClass('ERROR'), 'log-level-error');
        assert.equal(levelClass('Warning'), 'log-level-warn');
        assert.equal(levelClass('DeBuG'), 'log-level-debug');
    });

    test('maps unknown, empty, null and undefined levels to the info class', () => {
        for (const level of ['trace', 'verbose', '', null, undefined, 42]) {
            assert.equal(levelClass(level), 'log-level-info', `level ${String(level)}`);
        }
    });

    // The level comes from the log data: one naming an Object.prototype property (constructor,
    // toString, __proto__) must get the info class, not that property.
    test('maps levels named like Object.prototype properties to the info class',
        () => {
            for (const level of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']) {
                assert.equal(levelClass(level), 'log-level-info', `level ${level}`);
            }
        });
});

describe('formatTimestamp', () => {
    test('returns an empty string for input that is not a date', () => {
        for (const input of ['not a date', '', undefined, '2025-13-45T99:99:99Z', {}]) {
            assert.equal(formatTimestamp(input), '', `input ${JSON.stringify(input)}`);
            assert.equal(formatTimestamp(input, true), '', `input ${JSON.stringify(input)} with the date`);
        }
    });

    test('formats a valid ISO timestamp as the locale time, or date and time when asked', () => {
        const iso = '2025-01-02T03:04:05.000Z';
        assert.equal(formatTimestamp(iso), new Date(iso).toLocaleTimeString());
        assert.equal(formatTimestamp(iso, true), new Date(iso).toLocaleString());
        assert.notEqual(formatTimestamp(iso), '');
    });
});

describe('compareCursors', () => {
    test('orders offsets numerically, not lexicographically: 0-10 is after 0-9', () => {
        assert.ok(compareCursors('0-10', '0-9') > 0);
        assert.ok(compareCursors('0-9', '0-10') < 0);
        assert.ok(compareCursors('0-100', '0-99') > 0);
    });

    test('equal cursors compare as zero', () => {
        assert.equal(compareCursors('3-42', '3-42'), 0);
    });

    test('orders by partition first, then by offset', () => {
        assert.ok(compareCursors('1-0', '0-999') > 0);
        assert.ok(compareCursors('0-999', '1-0') < 0);
        assert.ok(compareCursors('2-5', '10-1') < 0, 'partitions are numeric too');
    });

    test('sorts a shuffled list of cursors in stream order', () => {
        const cursors = ['0-10', '1-2', '0-9', '0-100', '1-10', '0-1'];
        assert.deepEqual([...cursors].sort(compareCursors), ['0-1', '0-9', '0-10', '0-100', '1-2', '1-10']);
    });

    test('handles offsets beyond 2^31 (Kafka offsets are 64-bit)', () => {
        assert.ok(compareCursors('0-4294967296', '0-4294967295') > 0);
    });
});
