import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDocument, loadQuaeroLogs } from './fakes.mjs';

const {
    linkSegments, findSegments, renderMessage, plainText, formatTime, formatDuration, parseLineHash, lineHash,
    readViewState, viewStateHref, Announcer, TIMESTAMP_MODES,
} = loadQuaeroLogs();

const ESC = '\u001b';

describe('linkSegments: only http(s) URLs become links', () => {
    test('an http and an https URL in a sentence; trailing punctuation stays text', () => {
        assert.deepEqual(linkSegments('see https://example.com/a?b=1, or (http://x.test/p).'), [
            { text: 'see ' },
            { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
            { text: ', or (' },
            { text: 'http://x.test/p', href: 'http://x.test/p' },
            { text: ').' },
        ]);
    });

    test('javascript:, data:, file: and schemeless text stay text', () => {
        for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd', 'www.example.com',
            'JavaScript://%0aalert(1)']) {
            assert.deepEqual(linkSegments(text), [{ text }], text);
        }
    });

    test('a URL ends at quotes and angle brackets: an attribute cannot be smuggled into the link', () => {
        const pieces = linkSegments('https://e.test/"onmouseover="alert(1)<b>');
        assert.deepEqual(pieces[0], { text: 'https://e.test/', href: 'https://e.test/' });
        assert.equal(pieces.map((p) => p.text).join(''), 'https://e.test/"onmouseover="alert(1)<b>');
    });

    test('href is the parser\'s normalised form', () => {
        assert.equal(linkSegments('HTTPS://Example.COM/x y')[0].href, 'https://example.com/x');
    });
});

describe('findSegments: a case-insensitive, literal search', () => {
    test('every occurrence, whatever its case', () => {
        assert.deepEqual(findSegments('Error, error, ERROR!', 'error'), [
            { text: 'Error', hit: true }, { text: ', ' }, { text: 'error', hit: true }, { text: ', ' },
            { text: 'ERROR', hit: true }, { text: '!' },
        ]);
    });

    test('%, _, \\, . and regular expression characters are just characters', () => {
        assert.deepEqual(findSegments('50% of a_b in c:\\d', '%'), [{ text: '50' }, { text: '%', hit: true }, { text: ' of a_b in c:\\d' }]);
        assert.deepEqual(findSegments('axb a.b', 'a.b'), [{ text: 'axb ' }, { text: 'a.b', hit: true }]);
        assert.deepEqual(findSegments('c:\\d', '\\'), [{ text: 'c:' }, { text: '\\', hit: true }, { text: 'd' }]);
        assert.deepEqual(findSegments('(a+)*', '(a+)*'), [{ text: '(a+)*', hit: true }]);
    });

    test('no term, or no occurrence: the text alone', () => {
        assert.deepEqual(findSegments('abc', ''), [{ text: 'abc' }]);
        assert.deepEqual(findSegments('abc', 'x'), [{ text: 'abc' }]);
    });
});

describe('renderMessage with links and a search term', () => {
    test('a URL is an <a> opening apart, with rel noopener; a hit is a <mark>; all else is text', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, 'fetch https://ex.test/needle failed: needle', { links: true, term: 'NEEDLE' });

        assert.equal(element.textContent, 'fetch https://ex.test/needle failed: needle');
        const link = element.childNodes.find((n) => n.tagName === 'A');
        assert.equal(link.href, 'https://ex.test/needle');
        assert.equal(link.rel, 'noopener noreferrer');
        assert.equal(link.target, '_blank');
        assert.deepEqual(link.childNodes.map((n) => n.tagName ?? '#text'), ['#text', 'MARK']);
        assert.equal(element.childNodes.at(-1).tagName, 'MARK');
        assert.ok(document.created.every((e) => ['SPAN', 'A', 'MARK'].includes(e.tagName)));
    });

    test('a link keeps its ANSI colour: the <a> sits inside the coloured span', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, `${ESC}[34mhttps://ex.test${ESC}[0m done`, { links: true });
        const [span, rest] = element.childNodes;
        assert.equal(span.className, 'ansi-fg-blue');
        assert.equal(span.childNodes[0].tagName, 'A');
        assert.equal(rest.data, ' done');
    });

    test('a truecolour segment is a span with a CSSOM colour, never a style attribute', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, `${ESC}[38;2;255;128;0morange`);
        assert.equal(element.childNodes[0].style.color, 'rgb(255, 128, 0)');
        assert.equal(element.childNodes[0].hasAttribute('style'), false);
    });

    test('without links a URL stays text', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, 'https://ex.test');
        assert.equal(element.childNodes.length, 1);
        assert.equal(element.childNodes[0].nodeType, 3);
    });

    test('plainText drops the escape sequences', () => {
        assert.equal(plainText(`${ESC}[1;31mred${ESC}[0m and ${ESC}]0;title\u0007plain`), 'red and plain');
    });
});

describe('formatTime and formatDuration', () => {
    const entry = { timestamp: '2026-11-25T10:00:05.250Z' };

    test('the modes: UTC clock, since the job started, since the line before', () => {
        assert.deepEqual(TIMESTAMP_MODES, ['local', 'utc', 'elapsed', 'delta']);
        assert.equal(formatTime(entry, 'utc'), '10:00:05.250Z');
        assert.equal(formatTime(entry, 'elapsed', { jobStart: '2026-11-25T09:58:00Z' }), '+2:05.250');
        assert.equal(formatTime(entry, 'elapsed', { jobStart: '2026-11-25T08:00:00Z' }), '+2:00:05.250');
        assert.equal(formatTime(entry, 'delta', { previous: { timestamp: '2026-11-25T10:00:05.238Z' } }), '+0:00.012');
    });

    test('the local clock is the browser\'s time of day, to the millisecond', () => {
        const d = new Date(entry.timestamp);
        const pad = (n, w = 2) => String(n).padStart(w, '0');
        assert.equal(formatTime(entry, 'local'), `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.250`);
    });

    test('what is not known shows nothing: no job start, no line before, a bad timestamp', () => {
        assert.equal(formatTime(entry, 'elapsed', {}), '');
        assert.equal(formatTime(entry, 'delta', {}), '');
        assert.equal(formatTime({ timestamp: 'garbage' }, 'utc'), '');
    });

    test('durations read as people say them', () => {
        assert.equal(formatDuration(850), '850 ms');
        assert.equal(formatDuration(12345), '12.3 s');
        assert.equal(formatDuration(245000), '4 m 05 s');
        assert.equal(formatDuration(3720000), '1 h 02 m');
        assert.equal(formatDuration(NaN), '');
    });
});

describe('line links and the view in the URL', () => {
    test('#L123 is one line, #L120-L140 a range (either order); anything else is none', () => {
        assert.deepEqual(parseLineHash('#L123'), { from: 123, to: 123 });
        assert.deepEqual(parseLineHash('#L140-L120'), { from: 120, to: 140 });
        assert.deepEqual(parseLineHash('L5-9'), { from: 5, to: 9 });
        for (const bad of ['', '#', '#L', '#L0', '#Lx', '#L1-', '#L1;alert(1)', '#top']) assert.equal(parseLineHash(bad), null, bad);
        assert.equal(lineHash({ from: 7, to: 7 }), '#L7');
        assert.equal(lineHash({ from: 7, to: 9 }), '#L7-L9');
        assert.equal(lineHash(null), '');
    });

    test('step, level, search, the only-matching switch and the lines round-trip through the URL', () => {
        const state = { stepId: 'load data', level: 'warn', search: '100% & more', only: true, lines: { from: 12, to: 20 } };
        const href = viewStateHref('/jobs/abc', state);
        assert.equal(href, '/jobs/abc?step=load+data&level=warn&q=100%25+%26+more&only=1#L12-L20');
        assert.deepEqual(readViewState(`http://host${href}`), state);
    });

    test('what is not set is left out; "only" means nothing without a search', () => {
        assert.equal(viewStateHref('/jobs/abc', { stepId: '', level: '', search: '', only: true, lines: null }), '/jobs/abc');
        assert.deepEqual(readViewState('/jobs/abc'), { stepId: '', level: '', search: '', only: false, lines: null });
    });
});

describe('Announcer', () => {
    test('says how many lines (and errors) arrived, at most once per interval', () => {
        mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 100000 });
        try {
            const region = new FakeDocument().createElement('div');
            const announcer = new Announcer(region, 5000);
            announcer.add([{ level: 'info' }, { level: 'error' }]);
            mock.timers.tick(0);
            assert.equal(region.textContent, '2 new lines, 1 error');
            announcer.add([{ level: 'info' }]);
            announcer.add([{ level: 'info' }, { level: 'fatal' }, { level: 'error' }]);
            mock.timers.tick(4999);
            assert.equal(region.textContent, '2 new lines, 1 error', 'not before the interval');
            mock.timers.tick(1);
            assert.equal(region.textContent, '4 new lines, 2 errors');
            announcer.destroy();
        } finally {
            mock.timers.reset();
        }
    });
});
