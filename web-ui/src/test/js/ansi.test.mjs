import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDocument, loadQuaeroLogs } from './fakes.mjs';

const { ansiSegments, renderMessage } = loadQuaeroLogs();

const ESC = '\u001b';
const sgr = (codes) => `${ESC}[${codes}m`;
const XSS = '<img src=x onerror=alert(1)>';

describe('ansiSegments', () => {
    test('plain text is one unstyled segment', () => {
        assert.deepEqual(ansiSegments('hello world'), [{ text: 'hello world', classes: [] }]);
    });

    test('an empty message has no segments', () => {
        assert.deepEqual(ansiSegments(''), []);
    });

    test('31 colours the text red and 0 resets it', () => {
        assert.deepEqual(ansiSegments(`${sgr(31)}red${sgr(0)} plain`), [
            { text: 'red', classes: ['ansi-fg-red'] },
            { text: ' plain', classes: [] },
        ]);
    });

    test('an empty SGR (ESC[m) resets like 0', () => {
        assert.deepEqual(ansiSegments(`${sgr(32)}green${sgr('')}plain`), [
            { text: 'green', classes: ['ansi-fg-green'] },
            { text: 'plain', classes: [] },
        ]);
    });

    test('the eight foreground colours 30-37 each get their class', () => {
        const names = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
        names.forEach((name, i) => {
            assert.deepEqual(ansiSegments(`${sgr(30 + i)}x`), [{ text: 'x', classes: [`ansi-fg-${name}`] }]);
        });
    });

    test('1 is bold, combined with a colour in one sequence (1;32)', () => {
        assert.deepEqual(ansiSegments(`${sgr('1;32')}ok`), [{ text: 'ok', classes: ['ansi-fg-green', 'ansi-bold'] }]);
    });

    test('styles accumulate across sequences until reset', () => {
        assert.deepEqual(ansiSegments(`${sgr(1)}a${sgr(31)}b${sgr(0)}c`), [
            { text: 'a', classes: ['ansi-bold'] },
            { text: 'b', classes: ['ansi-fg-red', 'ansi-bold'] },
            { text: 'c', classes: [] },
        ]);
    });

    test('39 resets only the foreground colour, 49 only the background', () => {
        assert.deepEqual(ansiSegments(`${sgr('1;31;44')}a${sgr(39)}b${sgr(49)}c`), [
            { text: 'a', classes: ['ansi-fg-red', 'ansi-bg-blue', 'ansi-bold'] },
            { text: 'b', classes: ['ansi-bg-blue', 'ansi-bold'] },
            { text: 'c', classes: ['ansi-bold'] },
        ]);
    });

    test('90-97 are the bright foreground colours', () => {
        assert.deepEqual(ansiSegments(`${sgr(90)}a${sgr(91)}b${sgr(97)}c`), [
            { text: 'a', classes: ['ansi-fg-bright-black'] },
            { text: 'b', classes: ['ansi-fg-bright-red'] },
            { text: 'c', classes: ['ansi-fg-bright-white'] },
        ]);
    });

    test('40-47 and 100-107 are background colours', () => {
        assert.deepEqual(ansiSegments(`${sgr(41)}a${sgr(103)}b`), [
            { text: 'a', classes: ['ansi-bg-red'] },
            { text: 'b', classes: ['ansi-bg-bright-yellow'] },
        ]);
    });

    test('2, 3 and 4 are dim, italic and underline; 22, 23 and 24 end them', () => {
        assert.deepEqual(ansiSegments(`${sgr('1;2;3;4')}a${sgr(22)}b${sgr(23)}c${sgr(24)}d`), [
            { text: 'a', classes: ['ansi-bold', 'ansi-dim', 'ansi-italic', 'ansi-underline'] },
            { text: 'b', classes: ['ansi-italic', 'ansi-underline'] },
            { text: 'c', classes: ['ansi-underline'] },
            { text: 'd', classes: [] },
        ]);
    });

    test('unknown SGR codes are ignored (blink 5, reverse 7)', () => {
        assert.deepEqual(ansiSegments(`${sgr('5;7')}x`), [{ text: 'x', classes: [] }]);
    });

    test('non-SGR CSI sequences (erase line, cursor moves, private modes) are dropped', () => {
        const text = `${ESC}[2Kstart${ESC}[1A ${ESC}[10;20H${ESC}[?25lend${ESC}[?25h`;
        assert.deepEqual(ansiSegments(text), [
            { text: 'start', classes: [] },
            { text: ' ', classes: [] },
            { text: 'end', classes: [] },
        ]);
        assert.ok(ansiSegments(text).every((segment) => !segment.text.includes(ESC)));
    });

    test('OSC sequences (window title, hyperlinks) are dropped, the link text is kept', () => {
        const text = `${ESC}]0;my title\u0007before ${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\ after`;
        assert.equal(ansiSegments(text).map((segment) => segment.text).join(''), 'before link after');
    });

    test('markup stays literal text in the segments', () => {
        assert.deepEqual(ansiSegments(XSS), [{ text: XSS, classes: [] }]);
        assert.deepEqual(ansiSegments(`${sgr(31)}${XSS}`), [{ text: XSS, classes: ['ansi-fg-red'] }]);
    });

    test('a class can never be injected: classes come only from the fixed colour names', () => {
        const allowed = /^ansi-(fg|bg)-(bright-)?(black|red|green|yellow|blue|magenta|cyan|white)$|^ansi-(bold|dim|italic|underline)$/;
        const text = `${sgr('1;31;42')}a${sgr('99;38;48;108')}b${sgr('" onclick="x')}c`;
        for (const segment of ansiSegments(text)) {
            for (const className of segment.classes) assert.match(className, allowed);
        }
    });

    // 38/48 introduce extended colours whose parameters follow in the same sequence
    // (38;5;n 256 colours, 38;2;r;g;b truecolour). Read as codes of their own they would
    // underline (4), bolden (1), reset (0) or colour (31): they must be taken as arguments.
    test('256-colour 0-15 are the named colours; their parameters are never codes of their own', () => {
        assert.deepEqual(ansiSegments(`${sgr('38;5;4')}x`), [{ text: 'x', classes: ['ansi-fg-blue'] }]);
        assert.deepEqual(ansiSegments(`${sgr('38;5;9')}x`), [{ text: 'x', classes: ['ansi-fg-bright-red'] }]);
        assert.deepEqual(ansiSegments(`${sgr('48;5;1;4')}x`), [{ text: 'x', classes: ['ansi-bg-red', 'ansi-underline'] }]);
    });

    test('256-colour 16-231 are the 6x6x6 cube and 232-255 the greys, as rgb() styles', () => {
        assert.deepEqual(ansiSegments(`${sgr('38;5;196')}x`), [{ text: 'x', classes: [], style: { color: 'rgb(255, 0, 0)' } }]);
        assert.deepEqual(ansiSegments(`${sgr('38;5;31')}x`), [{ text: 'x', classes: [], style: { color: 'rgb(0, 135, 175)' } }]);
        assert.deepEqual(ansiSegments(`${sgr('48;5;232')}x`), [{ text: 'x', classes: [], style: { backgroundColor: 'rgb(8, 8, 8)' } }]);
        assert.deepEqual(ansiSegments(`${sgr('38;5;255')}x`), [{ text: 'x', classes: [], style: { color: 'rgb(238, 238, 238)' } }]);
    });

    test('truecolour 38;2;r;g;b and 48;2;r;g;b are rgb() styles; a later 39/49/0 ends them', () => {
        assert.deepEqual(ansiSegments(`${sgr('1;38;2;0;0;255')}a${sgr('48;2;10;20;30')}b${sgr(39)}c${sgr(0)}d`), [
            { text: 'a', classes: ['ansi-bold'], style: { color: 'rgb(0, 0, 255)' } },
            { text: 'b', classes: ['ansi-bold'], style: { color: 'rgb(0, 0, 255)', backgroundColor: 'rgb(10, 20, 30)' } },
            { text: 'c', classes: ['ansi-bold'], style: { backgroundColor: 'rgb(10, 20, 30)' } },
            { text: 'd', classes: [] },
        ]);
    });

    test('an out-of-range or incomplete extended colour changes nothing and reads no codes', () => {
        assert.deepEqual(ansiSegments(`${sgr('38;5;256')}x`), [{ text: 'x', classes: [] }]);
        assert.deepEqual(ansiSegments(`${sgr('38;2;300;0;0')}x`), [{ text: 'x', classes: [] }]);
        assert.deepEqual(ansiSegments(`${sgr('38;2;1')}x`), [{ text: 'x', classes: [] }]);
    });

    test('a style is only ever an rgb() of three numbers: nothing from the text reaches it', () => {
        const text = `${sgr('38;2;1;2;3')}a${sgr('38;2;red;0;0')}b${sgr('48;5;"x')}c`;
        for (const segment of ansiSegments(text)) {
            for (const value of Object.values(segment.style ?? {})) assert.match(value, /^rgb\(\d{1,3}, \d{1,3}, \d{1,3}\)$/);
        }
    });
});

describe('renderMessage', () => {
    test('writes unstyled text as a text node, never as markup', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, XSS);
        assert.equal(element.childNodes.length, 1);
        assert.equal(element.childNodes[0].nodeType, 3);
        assert.equal(element.childNodes[0].data, XSS);
        assert.equal(element.textContent, XSS);
        assert.equal(document.created.length, 1, 'no element is created for plain text');
    });

    test('writes styled segments as spans with the ANSI classes and text content', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        renderMessage(element, `${sgr('1;31')}ERROR${sgr(0)} disk ${sgr(33)}${XSS}`);

        const [first, second, third] = element.childNodes;
        assert.equal(element.childNodes.length, 3);
        assert.equal(first.tagName, 'SPAN');
        assert.equal(first.className, 'ansi-fg-red ansi-bold');
        assert.equal(first.textContent, 'ERROR');
        assert.equal(second.nodeType, 3);
        assert.equal(second.data, ' disk ');
        assert.equal(third.tagName, 'SPAN');
        assert.equal(third.className, 'ansi-fg-yellow');
        assert.equal(third.childNodes.length, 1);
        assert.equal(third.childNodes[0].nodeType, 3, 'the markup inside a span is a text node');
        assert.equal(third.textContent, XSS);
        assert.equal(element.textContent, `ERROR disk ${XSS}`);
        assert.ok(document.created.every((created) => created.tagName === 'SPAN'), 'only spans are created');
    });

    test('replaces what the element held before', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        element.appendChild(document.createTextNode('old'));
        renderMessage(element, 'new');
        assert.equal(element.textContent, 'new');
        assert.equal(element.childNodes.length, 1);
    });

    test('never touches innerHTML (the fake element throws if it is set)', () => {
        const document = new FakeDocument();
        const element = document.createElement('span');
        assert.throws(() => { element.innerHTML = '<b>'; }, /innerHTML/);
        assert.doesNotThrow(() => renderMessage(element, `${sgr(31)}<script>alert(1)</script>${sgr(0)}&amp;`));
        assert.equal(element.textContent, '<script>alert(1)</script>&amp;');
    });
});
