/**
 * QuaeroLogs: live job and service logs over Server-Sent Events, for any page.
 *
 * No framework, no build step. The Alpine components in log-components.js are thin layers on top.
 *
 * How a stream stays exact:
 *  - every log entry carries a cursor ("partition-offset" in Kafka); the stream remembers the last
 *    one and ignores anything at or before it, so a replay after a reconnect never duplicates;
 *  - the browser's own EventSource reconnect sends Last-Event-ID (the last cursor), and the
 *    gateway resumes exactly after it; when the gateway refuses the connection (503 when full, 429 past a user's streams)
 *    the browser gives up, so the stream reopens it itself, once, after a back-off, with since=;
 *  - a `reset` event (the client fell behind, the gateway's buffer overflowed) names the cursor to
 *    resume from; a cursor the gateway cannot serve any more means starting again from the newest;
 *  - a watchdog re-armed by every event (ping included) fetches over plain HTTP with since= only
 *    after fallbackTimeoutMs of silence. There is no polling while the stream is healthy.
 *
 * Connections: where the page came over HTTP/1.1, every stream of every tab of this browser is a
 * channel of one shared connection (SharedConnection: one tab leads and relays); over HTTP/2 each
 * stream is its own EventSource. Reset reasons and event names come from js/wire.js.
 *
 * A job page shows a log of any length as one list (LogViewer): a RangeCache of entries by
 * position, read by range as the reader scrolls and written by the live stream, and a VirtualLog
 * that keeps only the rows on screen in the DOM.
 *
 * Everything is bounded: the log buffer (maxBufferSize), the range cache (pages and bytes), the
 * rows in the DOM (the screen's, or LogView maxRows), the back-off. Log text is always rendered as
 * text (ANSI colours become spans, http(s) URLs links, search hits marks), never as HTML.
 */
const QuaeroLogs = (function () {
    'use strict';

    /** Defaults of every stream; override per stream with createStream(endpoint, options). */
    const defaults = {
        limit: 100,
        fallbackTimeoutMs: 15000,
        maxBufferSize: 5000,
        reconnectDelayMs: 1000,
        maxReconnectDelayMs: 30000,
        /** A job's Kafka partition: added to its own stream's URL for a balancer to route by (null: none). */
        partition: null,
        /**
         * How many entries of the view come before this one in the whole stored log (a Promise of a
         * number), asked once when a count turns out partial (below); null: entries under a
         * partial count get no position.
         */
        countBefore: null,
    };

    /** The server's event names and disconnect reasons (js/wire.js, generated from shared-contracts). */
    const WIRE = typeof QuaeroWire !== 'undefined' ? QuaeroWire : require('./wire.js');

    /**
     * True when a reset leaves the old cursor useless (or names none): start again from the newest
     * lines. An unknown reason (a newer server) without a cursor starts over too.
     */
    function startsOver(payload) {
        return !payload.cursor || WIRE.disconnects[payload.reason]?.reconnect === 'start-over';
    }

    const SERVICE_ENDPOINT = '/api/service/logs/stream';

    /**
     * Creates a stream of a job's log (not yet connected). Where the page came over HTTP/1.1 (six
     * connections per origin) the stream is a channel of this browser's one shared connection
     * ({@link SharedConnection}); over HTTP/2 or 3 it is its own EventSource (they share one TCP
     * connection anyway, and a balancer can route each by partition).
     * @param {string} endpoint SSE endpoint, e.g. `/api/jobs/${id}/logs/stream`
     * @param {Object} [options] overrides of the defaults; `connection`: a SharedConnection to use
     *     (null: an EventSource of its own)
     * @returns {LogStream}
     */
    function createStream(endpoint, options = {}) {
        const connection = options.connection !== undefined ? options.connection : sharedConnection();
        return new LogStream(endpoint, { ...defaults, ...options, connection });
    }

    /**
     * Creates the service-logs stream (every page has one): a stream like a job's, on the shared
     * connection where there is one.
     * @param {Object} [options] overrides of the defaults
     * @returns {LogStream}
     */
    function createServiceStream(options = {}) {
        return createStream(SERVICE_ENDPOINT, options);
    }

    let theSharedConnection;

    /**
     * This tab's SharedConnection, or null where streams open their own EventSource: the page came
     * over HTTP/2 or 3 (`nextHopProtocol`), or the browser lacks Web Locks or BroadcastChannel.
     * @returns {SharedConnection|null}
     */
    function sharedConnection() {
        if (theSharedConnection === undefined) {
            const navigation = typeof performance !== 'undefined' && performance.getEntriesByType
                ? performance.getEntriesByType('navigation')[0] : undefined;
            const protocol = navigation?.nextHopProtocol ?? '';
            const canShare = typeof window !== 'undefined' && typeof BroadcastChannel !== 'undefined'
                && typeof navigator !== 'undefined' && navigator.locks;
            theSharedConnection = canShare && !/^h[23]/.test(protocol) ? new SharedConnection() : null;
            if (theSharedConnection) window.addEventListener('pagehide', () => theSharedConnection.close());
        }
        return theSharedConnection;
    }

    /**
     * The query string of a stream or fetch: only the filters that are set.
     * @param {{limit?: number|string, stepId?: string, level?: string, search?: string,
     *          since?: string, before?: string}} filters
     * @returns {string} e.g. `limit=100&step=extract&level=warn`
     */
    function buildQueryParams(filters) {
        return new URLSearchParams(queryParams(filters)).toString();
    }

    /** The parameters of a stream or fetch by their wire names, only those that are set. */
    function queryParams(filters) {
        const params = {};
        const set = (name, value) => {
            if (value !== undefined && value !== null && String(value).trim() !== '') {
                params[name] = String(value).trim();
            }
        };
        set('limit', filters.limit);
        set('step', filters.stepId);
        set('level', filters.level);
        set('q', filters.search);
        set('since', filters.since);
        set('before', filters.before);
        return params;
    }

    /**
     * Formats an ISO timestamp for display in the browser's locale.
     * @param {string} isoTimestamp
     * @param {boolean} [includeDate]
     * @returns {string}
     */
    function formatTimestamp(isoTimestamp, includeDate = false) {
        const date = new Date(isoTimestamp);
        if (Number.isNaN(date.getTime())) {
            return '';
        }
        return includeDate ? date.toLocaleString() : date.toLocaleTimeString();
    }

    /**
     * The CSS class of a level (log-stream.css colours them).
     * @param {string} level
     * @returns {string}
     */
    function levelClass(level) {
        const classes = {
            debug: 'log-level-debug',
            info: 'log-level-info',
            warn: 'log-level-warn',
            warning: 'log-level-warn',
            error: 'log-level-error',
            fatal: 'log-level-fatal',
        };
        const key = String(level ?? '').toLowerCase();
        return Object.hasOwn(classes, key) ? classes[key] : 'log-level-info';
    }

    /**
     * Orders two cursors ("partition-offset"); within one job all share a partition.
     * @param {string} a
     * @param {string} b
     * @returns {number} negative, zero or positive
     */
    function compareCursors(a, b) {
        const [pa, oa] = String(a).split('-').map(Number);
        const [pb, ob] = String(b).split('-').map(Number);
        return pa !== pb ? pa - pb : oa - ob;
    }

    const ANSI_COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
    // SGR sequences (colours), and any other CSI or OSC sequence, which are dropped.
    const ANSI_PATTERN = /\u001b\[([0-9;]*)m|\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

    /**
     * Splits a message with ANSI colour codes into styled text segments. The result is data, not
     * markup: render each segment's text with textContent. The 16 named colours (30-37, 90-97 and
     * their backgrounds, and 38;5;0-15) become classes; the rest of the 256 colours (38;5;n) and
     * truecolour (38;2;r;g;b) become `style.color` / `style.backgroundColor`, an `rgb()` built
     * from numbers only, applied through the CSSOM (a Content-Security-Policy refuses inline style
     * attributes, not CSSOM properties).
     * @param {string} text
     * @returns {{text: string, classes: string[], style?: {color?: string, backgroundColor?: string}}[]}
     */
    function ansiSegments(text) {
        const segments = [];
        let state = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
        let last = 0;
        const push = (chunk) => {
            if (chunk) {
                const classes = [];
                const style = {};
                if (state.fg?.rgb) style.color = state.fg.rgb;
                else if (state.fg) classes.push(`ansi-fg-${state.fg}`);
                if (state.bg?.rgb) style.backgroundColor = state.bg.rgb;
                else if (state.bg) classes.push(`ansi-bg-${state.bg}`);
                if (state.bold) classes.push('ansi-bold');
                if (state.dim) classes.push('ansi-dim');
                if (state.italic) classes.push('ansi-italic');
                if (state.underline) classes.push('ansi-underline');
                segments.push(Object.keys(style).length ? { text: chunk, classes, style } : { text: chunk, classes });
            }
        };
        String(text).replace(ANSI_PATTERN, (match, codes, offset) => {
            push(text.slice(last, offset));
            last = offset + match.length;
            if (codes !== undefined) {
                state = applySgr(state, codes === '' ? [0] : codes.split(';').map(Number));
            }
            return match;
        });
        push(String(text).slice(last));
        return segments;
    }

    /** A byte (0-255) or null. */
    function byte(n) {
        return Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
    }

    /**
     * Colour n of the xterm 256-colour palette: a class name for 0-15, else `{rgb}` (16-231 the
     * 6x6x6 cube, 232-255 the greys); null for anything else.
     */
    function palette256(n) {
        if (byte(n) === null) return null;
        if (n < 8) return ANSI_COLOURS[n];
        if (n < 16) return `bright-${ANSI_COLOURS[n - 8]}`;
        if (n < 232) {
            const level = (v) => (v === 0 ? 0 : 55 + v * 40);
            const c = n - 16;
            return { rgb: `rgb(${level(Math.floor(c / 36))}, ${level(Math.floor(c / 6) % 6)}, ${level(c % 6)})` };
        }
        const grey = 8 + (n - 232) * 10;
        return { rgb: `rgb(${grey}, ${grey}, ${grey})` };
    }

    function applySgr(previous, codes) {
        const s = { ...previous };
        for (let i = 0; i < codes.length; i++) {
            const code = codes[i];
            if (code === 38 || code === 48) {
                // Extended colours: their numbers are arguments, never codes of their own.
                let colour = null;
                if (codes[i + 1] === 5) {
                    colour = palette256(codes[i + 2]);
                    i += 2;
                } else if (codes[i + 1] === 2) {
                    const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
                    if (r !== null && g !== null && b !== null) colour = { rgb: `rgb(${r}, ${g}, ${b})` };
                    i += 4;
                }
                if (colour !== null) s[code === 38 ? 'fg' : 'bg'] = colour;
                continue;
            }
            if (code === 0) Object.assign(s, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });
            else if (code === 1) s.bold = true;
            else if (code === 2) s.dim = true;
            else if (code === 3) s.italic = true;
            else if (code === 4) s.underline = true;
            else if (code === 22) s.bold = s.dim = false;
            else if (code === 23) s.italic = false;
            else if (code === 24) s.underline = false;
            else if (code >= 30 && code <= 37) s.fg = ANSI_COLOURS[code - 30];
            else if (code === 39) s.fg = null;
            else if (code >= 40 && code <= 47) s.bg = ANSI_COLOURS[code - 40];
            else if (code === 49) s.bg = null;
            else if (code >= 90 && code <= 97) s.fg = `bright-${ANSI_COLOURS[code - 90]}`;
            else if (code >= 100 && code <= 107) s.bg = `bright-${ANSI_COLOURS[code - 100]}`;
        }
        return s;
    }

    /** The message without its escape sequences: what a reader copies. */
    function plainText(message) {
        return ansiSegments(message).map((segment) => segment.text).join('');
    }

    // An http(s) URL up to whitespace, quotes, angle brackets or backticks; trailing punctuation is
    // the sentence's, not the URL's.
    const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
    const URL_TRAILING = /[.,;:!?'")\]}]+$/;

    /**
     * Splits text into plain pieces and http(s) URLs. Only those two schemes ever become links
     * (`javascript:`, `data:`… stay text), each checked by the URL parser; `href` is the parser's
     * normalised form.
     * @param {string} text
     * @returns {{text: string, href?: string}[]}
     */
    function linkSegments(text) {
        const pieces = [];
        let last = 0;
        for (const match of String(text).matchAll(URL_PATTERN)) {
            const candidate = match[0].replace(URL_TRAILING, '');
            let href = null;
            try {
                const url = new URL(candidate);
                if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
            } catch {
                href = null;
            }
            if (href === null) continue;
            if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
            pieces.push({ text: candidate, href });
            last = match.index + candidate.length;
        }
        if (last < text.length) pieces.push({ text: text.slice(last) });
        return pieces;
    }

    /**
     * Splits text around the occurrences of a search term: case-insensitive and literal (a `%`,
     * `_`, `\` or `.` is just that character), as the gateway's search is.
     * @param {string} text
     * @param {string} term
     * @returns {{text: string, hit?: boolean}[]}
     */
    function findSegments(text, term) {
        if (!term) return [{ text }];
        const pattern = new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
        const pieces = [];
        let last = 0;
        for (const match of String(text).matchAll(pattern)) {
            if (match[0] === '') break;
            if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
            pieces.push({ text: match[0], hit: true });
            last = match.index + match[0].length;
        }
        if (last < text.length) pieces.push({ text: text.slice(last) });
        return pieces.length ? pieces : [{ text }];
    }

    /**
     * Fills an element with a message: ANSI colours as spans, http(s) URLs as links that open
     * apart (`rel="noopener noreferrer"`), a search term's occurrences as `<mark>`, everything
     * else as plain text nodes. Nothing is ever parsed as markup.
     * @param {Element} element
     * @param {string} message
     * @param {{term?: string, links?: boolean}} [options]
     */
    function renderMessage(element, message, options = {}) {
        const text = String(message);
        const doc = element.ownerDocument;
        if (!text.includes('\u001b') && !options.term && !(options.links && /https?:\/\//i.test(text))) {
            element.textContent = text;
            return;
        }
        element.textContent = '';
        const addHits = (parent, piece) => {
            for (const part of findSegments(piece, options.term)) {
                if (part.hit) {
                    const mark = doc.createElement('mark');
                    mark.className = 'find-hit';
                    mark.textContent = part.text;
                    parent.appendChild(mark);
                } else {
                    parent.appendChild(doc.createTextNode(part.text));
                }
            }
        };
        for (const segment of ansiSegments(text)) {
            let parent = element;
            if (segment.classes.length > 0 || segment.style) {
                parent = doc.createElement('span');
                parent.className = segment.classes.join(' ');
                if (segment.style?.color) parent.style.color = segment.style.color;
                if (segment.style?.backgroundColor) parent.style.backgroundColor = segment.style.backgroundColor;
                element.appendChild(parent);
            }
            for (const piece of options.links ? linkSegments(segment.text) : [{ text: segment.text }]) {
                if (piece.href) {
                    const link = doc.createElement('a');
                    link.href = piece.href;
                    link.rel = 'noopener noreferrer';
                    link.target = '_blank';
                    link.className = 'log-url';
                    addHits(link, piece.text);
                    parent.appendChild(link);
                } else {
                    addHits(parent, piece.text);
                }
            }
        }
    }

    /** Runs fn on the next animation frame (or soon, where there are no frames: tests, workers). */
    function nextFrame(fn) {
        return typeof requestAnimationFrame === 'function'
            ? { frame: requestAnimationFrame(fn) }
            : { timer: setTimeout(fn, 16) };
    }

    function cancelFrame(handle) {
        if (handle?.frame !== undefined) cancelAnimationFrame(handle.frame);
        if (handle?.timer !== undefined) clearTimeout(handle.timer);
    }

    /**
     * One server-sent event source and what every stream needs around it, whatever it carries (a
     * log, or the jobs feed): handlers by event name; the browser's own reconnect while it retries
     * (with Last-Event-ID), and a reopen after a jittered back-off when it gives up (a 503 when the
     * gateway is full); a watchdog re-armed by every event, pings included, that calls onSilence
     * after `silenceMs` without one; and a `reset` handled as QuaeroWire.disconnects says: reopen
     * from the cursor it names, or from the start, after the delay its reason asks for.
     */
    class Transport {
        /**
         * @param {Object} o
         * @param {function(?string): EventSource} o.open makes the source, from a cursor (null: from the start)
         * @param {Object<string, function(Object)>} o.on handlers by event name, given the parsed JSON
         * @param {function()} [o.onOpen] the source is open (again)
         * @param {function()} [o.onDown] the source is down (the browser retries, or the transport will)
         * @param {function(Object, boolean)} [o.onReset] a reset, and whether it starts over, before the reopen
         * @param {function(): Promise|void} [o.onSilence] nothing heard for silenceMs
         * @param {number} [o.silenceMs] 0: no watchdog
         * @param {function(): ?string} [o.cursor] where to reopen after a refusal (default: from the start)
         * @param {number} o.reconnectDelayMs first back-off, doubling up to o.maxReconnectDelayMs
         * @param {number} o.maxReconnectDelayMs
         */
        constructor(o) {
            this.o = o;
            this.source = null;
            this.watchdog = null;
            this.reopenTimer = null;
            this.delay = o.reconnectDelayMs;
        }

        /** Opens the source (closing any previous one), from `since`. */
        open(since) {
            this.close();
            const source = this.o.open(since);
            this.source = source;
            for (const [name, handler] of Object.entries(this.o.on)) {
                source.addEventListener(name, (e) => {
                    this.heard();
                    handler(e.data ? JSON.parse(e.data) : {});
                });
            }
            source.addEventListener(WIRE.events.ping, () => this.heard());
            source.addEventListener(WIRE.events.reset, (e) => this.reset(JSON.parse(e.data)));
            source.onopen = () => {
                this.delay = this.o.reconnectDelayMs;
                this.heard();
                this.o.onOpen?.();
            };
            source.onerror = () => {
                this.o.onDown?.();
                // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: it gave up
                // (a refusal: 401 once the session is gone, 5xx while the service is down).
                if (source.readyState === 2 && this.source === source) {
                    this.reopenLater();
                    sessionGone();
                }
            };
            this.heard();
        }

        /** Closes the source and every timer; nothing of this transport runs afterwards. */
        close() {
            this.source?.close();
            this.source = null;
            clearTimeout(this.watchdog);
            clearTimeout(this.reopenTimer);
            this.watchdog = this.reopenTimer = null;
        }

        /** True while a reopen after a refusal is pending (the watchdog then keeps its back-off). */
        get reopening() {
            return this.reopenTimer !== null;
        }

        reopenLater(delay = this.delay * (0.5 + Math.random())) {
            clearTimeout(this.reopenTimer);
            this.delay = Math.min(this.delay * 2, this.o.maxReconnectDelayMs);
            this.reopenTimer = setTimeout(() => {
                this.reopenTimer = null;
                this.open(this.o.cursor?.() ?? null);
            }, delay);
        }

        /** One timeout, re-armed by every event; it only fires after a silence. */
        heard() {
            clearTimeout(this.watchdog);
            this.watchdog = this.o.silenceMs > 0 && this.o.onSilence
                ? setTimeout(() => { this.watchdog = null; this.o.onSilence(); }, this.o.silenceMs)
                : null;
        }

        reset(payload) {
            const rule = WIRE.disconnects[payload.reason];
            if (rule?.reconnect === 'sign-in') {
                this.close();
                signInAgain(payload.reason);
                return;
            }
            if (rule?.reconnect === 'never') {
                // What was asked for does not exist: coming back would not change that.
                this.close();
                this.o.onReset?.(payload, true);
                this.o.onDown?.();
                return;
            }
            const over = startsOver(payload);
            this.o.onReset?.(payload, over);
            const cursor = over ? null : payload.cursor;
            const wait = rule ? rule.minDelayMs + Math.random() * (rule.maxDelayMs - rule.minDelayMs) : 0;
            if (wait > 0) {
                this.source?.close();
                clearTimeout(this.reopenTimer);
                this.reopenTimer = setTimeout(() => { this.reopenTimer = null; this.open(cursor); }, wait);
            } else {
                this.open(cursor);
            }
        }
    }

    /**
     * The page's session ended (signed out, expired, revoked): off to the sign-in page, which
     * brings the user back here afterwards. Never a silent loop of refused reconnects.
     * @param {string} reason why, shown on the sign-in page
     */
    function signInAgain(reason) {
        const back = location.pathname + location.search + location.hash;
        location.assign(`/signin?reason=${encodeURIComponent(reason)}&next=${encodeURIComponent(back)}`);
    }

    /**
     * The headers a request that changes something needs besides its own: the CSRF token, read
     * from the XSRF-TOKEN cookie and sent back in X-XSRF-TOKEN (another site can make the browser
     * send the cookie, never read it).
     * @returns {Object<string, string>}
     */
    function csrfHeaders() {
        const match = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
        return match ? { 'X-XSRF-TOKEN': decodeURIComponent(match[1]) } : {};
    }

    /**
     * After a refused (re)connect, beside the back-off: if the reason is that the session is gone
     * (401), the page goes to sign in again instead of retrying in vain. One request per refusal,
     * never on a schedule.
     */
    async function sessionGone() {
        try {
            const response = await fetch('/api/session', { headers: { Accept: 'application/json' } });
            if (response.status === 401) {
                signInAgain('signed-out');
            }
        } catch (e) {
            // The server is unreachable (or this is not a browser): that is the back-off's business.
        }
    }

    /**
     * The entries of one log a page holds: bounded to the newest `max`, de-duplicated by cursor (a
     * replay after a reconnect adds nothing twice), with the counts the last event carried. (The
     * job page reads older entries by range, LogViewer; this is the live tail.)
     */
    class LogBuffer {
        /** @param {number} max entries kept at most */
        constructor(max) {
            this.max = max;
            this.clear();
        }

        clear() {
            this.logs = [];
            this.lastCursor = null;
            this.totalCount = 0;
            this.displayedCount = 0;
        }

        /**
         * Takes a `logs` payload in; returns the entries that are new (after the last cursor).
         * @param {{logs: Object[], meta?: Object}} data
         * @returns {Object[]}
         */
        add(data) {
            const fresh = this.lastCursor === null
                ? data.logs
                : data.logs.filter((e) => compareCursors(e.cursor, this.lastCursor) > 0);
            if (fresh.length > 0) {
                this.lastCursor = fresh[fresh.length - 1].cursor;
                this.logs.push(...fresh);
                const over = this.logs.length - this.max;
                if (over > 0) this.logs.splice(0, over);
            }
            this.counts(data.meta);
            return fresh;
        }

        counts(meta) {
            if (meta) {
                this.totalCount = meta.total_count;
                this.displayedCount = meta.displayed_count;
            }
        }
    }

    /**
     * One live log: a {@link Transport} (its own EventSource, or a channel of the shared
     * connection), a {@link LogBuffer}, the status and steps.
     *
     * Callbacks (assign functions): onLogs(batch) once per animation frame with the entries that
     * arrived since the last call (batch.entries, batch.replaced: true after a restart), onStatus(data),
     * onConnect(), onDisconnect(), onReset(payload), onError(error).
     *
     * `snapshotLine`: the line of the last entry of the first `logs` event after connecting (or
     * starting over): the newest line storage held for the view then (0: none; null: not yet
     * heard). Everything up to it is stored, so the server can count it; what follows came live.
     *
     * Each entry is given its `position`: its index among the entries the filter matches, 0 for the
     * oldest stored, the index a range read uses (`GET …/logs/range?from=`). A `logs` event's
     * entries are the newest its counts cover, so the last is at `displayed_count - 1`; a fallback
     * page that has more after it does not say where it stands, and its entries get none.
     *
     * A search in a log longer than the gateway's search window counts only the newest window's
     * matches (`meta.counted_from` names where it starts, on every event of that connection). The
     * positions are then off by the matches before the window, a constant: `countBefore` is asked
     * once, for the first entry, where it stands in the whole log, and the difference is added to
     * every position and to `displayedCount` from then on. Until it answers, entries get no position
     * (the viewer reads them by range if they come on screen).
     */
    class LogStream {
        /**
         * @param {string} endpoint SSE endpoint
         * @param {Object} options see defaults; `connection`: a SharedConnection, or null
         */
        constructor(endpoint, options) {
            this.endpoint = endpoint;
            this.options = { ...defaults, ...options };
            this.filters = {};
            this.buffer = new LogBuffer(this.options.maxBufferSize);
            this.status = null;
            this.steps = [];
            this.connected = false;
            this.pending = [];
            this.pendingReplaced = false;
            this.frame = null;
            this.snapshotLine = null;
            /** The `meta.counted_from` of the events now arriving (null: their counts are whole). */
            this.countedFrom = null;
            /** What to add to a `displayed_count` for the whole log's (null: not known yet). */
            this.countShift = 0;
            /** The connection and window whose alignment is being asked for (null: none). */
            this.aligning = null;
            /** Bumped by connect/disconnect: an answer to an older request is dropped. */
            this.generation = 0;
            this.onLogs = null;
            this.onStatus = null;
            this.onError = null;
            this.onConnect = null;
            this.onDisconnect = null;
            this.onReset = null;
            this.transport = new Transport({
                open: (since) => this.source(since),
                on: {
                    [WIRE.events.logs]: (data) => this.handleLogs(data),
                    [WIRE.events.status]: (data) => this.handleStatus(data),
                },
                onOpen: () => this.setConnected(true),
                onDown: () => this.setConnected(false),
                onReset: (payload, over) => {
                    this.onReset?.(payload);
                    if (over) this.clear();
                },
                onSilence: () => this.silence(),
                silenceMs: this.options.fallbackTimeoutMs,
                cursor: () => this.lastCursor,
                reconnectDelayMs: this.options.reconnectDelayMs,
                maxReconnectDelayMs: this.options.maxReconnectDelayMs,
            });
        }

        get logs() { return this.buffer.logs; }
        get lastCursor() { return this.buffer.lastCursor; }
        get totalCount() { return this.buffer.totalCount; }
        /** Entries the filter matches: in the whole stored log and since, once a partial count is aligned. */
        get displayedCount() { return this.buffer.displayedCount + (this.countShift ?? 0); }
        /** The current source (an EventSource, or a ChannelSource), for inspection. */
        get eventSource() { return this.transport.source; }

        /**
         * Opens the stream with these filters, from the newest `limit` entries.
         * @param {Object} [filters] stepId, level, search, limit
         */
        connect(filters = {}) {
            this.generation++;
            this.snapshotLine = null;
            this.countedFrom = null;
            this.countShift = 0;
            this.filters = { ...filters };
            this.transport.open(null);
        }

        /**
         * Starts again with new filters: the buffer is emptied, the newest entries are fetched.
         * @param {Object} [filters]
         */
        reconnect(filters = this.filters) {
            this.clear();
            this.connect(filters);
        }

        /** Closes the source and every timer; nothing of this stream runs afterwards. */
        disconnect() {
            this.generation++;
            this.transport.close();
            cancelFrame(this.frame);
            this.frame = null;
            this.setConnected(false);
        }

        /** Empties the buffer and the counts (the stream stays open); the next logs event is a new snapshot. */
        clear() {
            this.snapshotLine = null;
            this.countedFrom = null;
            this.countShift = 0;
            this.buffer.clear();
            this.pending = [];
            this.pendingReplaced = true;
        }

        /**
         * The plain-HTTP fallback: entries after the last cursor, as the stream would have sent.
         * Runs only when the watchdog fires (fallbackTimeoutMs without any event).
         */
        async fetchViaApi() {
            const generation = this.generation;
            try {
                const since = this.lastCursor;
                const data = await this.fetchJson({ ...this.filters, since: since ?? undefined });
                if (generation !== this.generation) return;
                // A page after a cursor with more after it: where its entries stand is not known.
                this.handleLogs(data, since === null || !data.meta?.has_more);
            } catch (error) {
                this.onError?.(error);
            }
        }

        // ---------------------------------------------------------------- internals

        source(since) {
            const params = queryParams({ limit: this.options.limit, ...this.filters, since: since ?? undefined });
            if (this.options.connection) {
                return this.options.connection.source(this.endpoint, params, () => this.lastCursor);
            }
            // A balancer routes a job's own stream by its partition (deploy/nginx): the same URL on
            // every reconnect, so the route is stable. The gateway does not need it.
            const routed = this.options.partition == null ? params : { ...params, partition: String(this.options.partition) };
            const query = new URLSearchParams(routed).toString();
            return new EventSource(query ? `${this.endpoint}?${query}` : this.endpoint);
        }

        /**
         * fallbackTimeoutMs without any event: fetch what was missed, then reopen the stream, unless
         * a reopen is already scheduled (the gateway refused us: keep its back-off).
         */
        async silence() {
            const generation = this.generation;
            await this.fetchViaApi();
            if (generation !== this.generation) return;
            if (this.transport.reopening) {
                this.transport.heard();
            } else {
                this.transport.open(this.lastCursor);
            }
        }

        /**
         * @param {{logs: Object[], meta?: Object}} data a `logs` event, or a fallback page
         * @param {boolean} [positioned] the entries are the newest the counts cover (a stream event always is)
         */
        handleLogs(data, positioned = true) {
            if (this.snapshotLine === null) this.snapshotLine = data.logs.at(-1)?.line ?? 0;
            const countedFrom = data.meta?.counted_from ?? null;
            if (data.meta && countedFrom !== this.countedFrom) {
                this.countedFrom = countedFrom;
                this.countShift = countedFrom === null ? 0 : null;
            }
            const displayed = data.meta?.displayed_count;
            if (positioned && Number.isInteger(displayed)) {
                const first = displayed - data.logs.length;
                if (this.countShift === null && data.logs.length > 0) this.alignCount(data.logs[0], first);
                if (this.countShift !== null) data.logs.forEach((entry, k) => { entry.position = first + k + this.countShift; });
            }
            const fresh = this.buffer.add(data);
            if (fresh.length > 0) {
                this.pending.push(...fresh);
                if (this.pending.length > this.options.maxBufferSize) {
                    this.pending.splice(0, this.pending.length - this.options.maxBufferSize);
                }
            }
            this.scheduleRender();
        }

        /**
         * Learns how a partial count's positions map onto the whole log's: `entry` is at
         * `partialIndex` among the matches counted; `countBefore` says where it is among all.
         */
        async alignCount(entry, partialIndex) {
            const generation = this.generation;
            const countedFrom = this.countedFrom;
            // One question per connection and window at a time.
            const key = `${generation} ${countedFrom}`;
            if (!this.options.countBefore || this.aligning === key) return;
            this.aligning = key;
            try {
                const before = await this.options.countBefore(entry);
                if (generation !== this.generation || countedFrom !== this.countedFrom || this.countShift !== null) return;
                this.countShift = before - partialIndex;
                // The counts changed: a batch, even an empty one, tells the page.
                this.scheduleRender();
            } catch (error) {
                this.onError?.(error);
            } finally {
                if (this.aligning === key) this.aligning = null;
            }
        }

        handleStatus(data) {
            this.status = data.job || data.service || null;
            if (Array.isArray(data.steps)) this.steps = data.steps;
            this.onStatus?.(data);
        }

        /** Coalesces everything that arrived within one frame into one onLogs call. */
        scheduleRender() {
            if (this.frame === null) {
                this.frame = nextFrame(() => {
                    this.frame = null;
                    const batch = { entries: this.pending, replaced: this.pendingReplaced };
                    this.pending = [];
                    this.pendingReplaced = false;
                    this.onLogs?.(batch);
                });
            }
        }

        setConnected(connected) {
            if (this.connected !== connected) {
                this.connected = connected;
                (connected ? this.onConnect : this.onDisconnect)?.();
            }
        }

        async fetchJson(filters) {
            const url = `${this.endpoint.replace(/\/stream$/, '')}?${buildQueryParams({ limit: this.options.limit, ...filters })}`;
            const response = await fetch(url, { headers: { Accept: 'application/json' } });
            if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
            return response.json();
        }
    }

    /**
     * One SSE connection (`GET /api/streams`) for every log this browser's tabs stream, so that on
     * HTTP/1.1 — six connections per origin — any number of tabs fits in one (Centrifugo's model:
     * one connection, many subscriptions).
     *
     * Each tab has one SharedConnection. Its streams get a {@link ChannelSource} instead of an
     * EventSource (same interface: LogStream does not know the difference) and announce their
     * channel on the BroadcastChannel `quaero-streams`. The tab holding the Web Lock
     * `quaero-streams` leads: it holds the one EventSource, with every tab's channels, and relays
     * each channel's events to the tab that wants them. When the set of channels changes it
     * reconnects with the new set, every running channel resuming from its cursor (the connection's
     * last event id carries them all). When the leading tab closes, another takes the lock, asks
     * every tab for its channels (each from its own last cursor) and connects: no gap, no repeat.
     */
    class SharedConnection {
        /**
         * @param {Object} [options]
         * @param {string} [options.endpoint] the shared stream's URL
         * @param {number} [options.settleMs] how long the leader waits for more changes before it
         *     reconnects (tabs opening together cost one reconnect)
         */
        constructor({ endpoint = '/api/streams', settleMs = 30 } = {}) {
            this.endpoint = endpoint;
            this.settleMs = settleMs;
            this.tab = Math.random().toString(36).slice(2, 10);
            this.count = 0;
            /** This tab's channels, by id. */
            this.sources = new Map();
            this.bus = null;
            /** While leading: every tab's channels (id → spec), their cursors, the one EventSource. */
            this.leading = false;
            this.wanted = new Map();
            this.cursors = new Map();
            this.eventSource = null;
            this.connectTimer = null;
            this.retryDelay = defaults.reconnectDelayMs;
            this.abort = null;
            this.releaseLock = null;
        }

        /**
         * A source for one log on the shared connection.
         * @param {string} endpoint the log's own SSE endpoint (a job's, or the service logs')
         * @param {Object} params its parameters by wire name (limit, step, level, q, since)
         * @param {function(): (string|null)} cursor where its reader is now: a new leader resumes it there
         * @returns {ChannelSource}
         */
        source(endpoint, params, cursor) {
            const job = endpoint.match(/^\/api\/jobs\/([^/]+)\/logs\/stream$/);
            const spec = job ? { job: decodeURIComponent(job[1]), ...params } : { service: true, ...params };
            const source = new ChannelSource(this, `${this.tab}-${++this.count}`, spec, cursor);
            this.start();
            this.sources.set(source.id, source);
            this.announce(source);
            return source;
        }

        /** Called by a source that closed. */
        drop(source) {
            if (this.sources.delete(source.id) && this.bus) this.send({ type: 'drop', id: source.id });
        }

        start() {
            if (this.bus) return;
            this.bus = new BroadcastChannel('quaero-streams');
            this.bus.onmessage = (e) => this.receive(e.data);
            this.abort = new AbortController();
            navigator.locks.request('quaero-streams', { signal: this.abort.signal }, () => this.lead())
                .catch(() => { /* closed before it led */ });
        }

        /**
         * This tab is going away (pagehide): its channels leave the connection and, if it led,
         * it lets go of the lock and the EventSource, and another tab takes over.
         */
        close() {
            this.sources.forEach((source) => source.close());
            clearTimeout(this.connectTimer);
            this.eventSource?.close();
            this.eventSource = null;
            this.leading = false;
            this.wanted.clear();
            this.cursors.clear();
            this.abort?.abort();
            this.releaseLock?.();
            this.bus?.close();
            this.bus = null;
        }

        announce(source) {
            this.send({ type: 'want', id: source.id, spec: { ...source.spec, since: source.cursor() ?? source.spec.since } });
        }

        /** Posts to the other tabs, and to this one when it leads (a BroadcastChannel does not echo). */
        send(message) {
            this.bus.postMessage(message);
            this.receive(message);
        }

        receive(message) {
            switch (message.type) {
                case 'want':
                    if (this.leading) {
                        this.wanted.set(message.id, message.spec);
                        this.scheduleConnect();
                    }
                    break;
                case 'drop':
                    if (this.leading && this.wanted.delete(message.id)) {
                        this.cursors.delete(message.id);
                        this.scheduleConnect();
                    }
                    break;
                case 'hello':
                    this.sources.forEach((source) => this.announce(source));
                    break;
                case 'event':
                    this.sources.get(message.id)?.dispatch(message.name, message.data);
                    break;
                case 'ping':
                    this.sources.forEach((source) => source.dispatch(WIRE.events.ping, '{}'));
                    break;
                case 'state':
                    this.sources.forEach((source) => (message.open ? source.opened() : source.failed()));
                    break;
                default:
                    break;
            }
        }

        /** Holds the lock, and the one EventSource, until this tab closes. */
        lead() {
            this.leading = true;
            this.send({ type: 'hello' });
            return new Promise((resolve) => { this.releaseLock = resolve; });
        }

        scheduleConnect(delay = this.settleMs) {
            clearTimeout(this.connectTimer);
            this.connectTimer = setTimeout(() => {
                this.connectTimer = null;
                this.connect();
            }, delay);
        }

        /** (Re)opens the one EventSource with every wanted channel, each from its latest cursor. */
        connect() {
            this.eventSource?.close();
            this.eventSource = null;
            if (this.wanted.size === 0) return;
            const channels = [...this.wanted].map(([id, spec]) => ({ ...spec, id, since: this.cursors.get(id) ?? spec.since }));
            const source = new EventSource(`${this.endpoint}?channels=${encodeURIComponent(JSON.stringify(channels))}`);
            this.eventSource = source;
            for (const name of [WIRE.events.logs, WIRE.events.status, WIRE.events.reset]) {
                source.addEventListener(name, (e) => this.relay(name, e));
            }
            source.addEventListener(WIRE.events.ping, () => this.send({ type: 'ping' }));
            source.onopen = () => {
                this.retryDelay = defaults.reconnectDelayMs;
                this.send({ type: 'state', open: true });
            };
            source.onerror = () => {
                this.send({ type: 'state', open: false });
                // CONNECTING: the browser comes back by itself, with the last id (every cursor).
                // CLOSED: it gave up (503 when the gateway is full, 429 when the user or address holds its
                // most streams, 401 once the session is gone):
                // sign in again, or try again later.
                if (source.readyState === 2 && this.eventSource === source) {
                    this.scheduleConnect(this.retryDelay * (0.5 + Math.random()));
                    this.retryDelay = Math.min(this.retryDelay * 2, defaults.maxReconnectDelayMs);
                    sessionGone();
                }
            };
        }

        /** One channel event: its first data line names the channel, the rest is the stream's JSON. */
        relay(name, e) {
            this.remember(e.lastEventId);
            const split = e.data.indexOf('\n');
            if (split > 0) {
                this.send({ type: 'event', id: e.data.slice(0, split), name, data: e.data.slice(split + 1) });
            }
        }

        /** The connection's id is `channel:cursor,…`: where each channel resumes. */
        remember(lastEventId) {
            for (const part of (lastEventId || '').split(',')) {
                const colon = part.indexOf(':');
                if (colon > 0 && this.wanted.has(part.slice(0, colon))) this.cursors.set(part.slice(0, colon), part.slice(colon + 1));
            }
        }
    }

    /**
     * One log on the {@link SharedConnection}, with an EventSource's interface (addEventListener,
     * onopen, onerror, readyState, close) so that a LogStream uses it as it would an EventSource.
     */
    class ChannelSource {
        constructor(connection, id, spec, cursor) {
            this.connection = connection;
            this.id = id;
            this.spec = spec;
            this.cursor = cursor;
            this.readyState = 0;
            this.listeners = new Map();
            this.onopen = null;
            this.onerror = null;
        }

        addEventListener(type, listener) {
            if (!this.listeners.has(type)) this.listeners.set(type, []);
            this.listeners.get(type).push(listener);
        }

        close() {
            this.readyState = 2;
            this.connection.drop(this);
        }

        dispatch(type, data) {
            if (this.readyState === 2) return;
            for (const listener of this.listeners.get(type) ?? []) listener({ type, data });
        }

        opened() {
            if (this.readyState === 2) return;
            this.readyState = 1;
            this.onopen?.({ type: 'open' });
        }

        failed() {
            if (this.readyState === 2) return;
            this.readyState = 0;
            this.onerror?.({ type: 'error' });
        }
    }

    /**
     * Renders entries into a scrolling container as rows, a bounded window of them: the newest
     * maxRows stay in the DOM, older ones are removed. Appends are meant to be called once per
     * animation frame (LogStream.onLogs is). Keeps the view at the bottom while the reader is
     * there; tells onStickChange(false) when the reader scrolls up, so a "jump to latest" can show.
     */
    class LogView {
        /**
         * @param {HTMLElement} container the scrolling element
         * @param {{maxRows?: number, showStep?: boolean, showSource?: boolean, dateInTime?: boolean,
         *          onStickChange?: function(boolean)}} [options]
         */
        constructor(container, options = {}) {
            this.container = container;
            this.options = { maxRows: 2000, showStep: true, showSource: false, ...options };
            this.stuck = true;
            this.onScroll = () => {
                const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 30;
                if (atBottom !== this.stuck) {
                    this.stuck = atBottom;
                    this.options.onStickChange?.(atBottom);
                }
            };
            container.addEventListener('scroll', this.onScroll, { passive: true });
        }

        /** Removes every row. */
        clear() {
            this.container.textContent = '';
        }

        /** @param {Object[]} entries newer than every row shown */
        append(entries) {
            if (entries.length === 0) return;
            const shown = entries.slice(-this.options.maxRows);
            const fragment = this.container.ownerDocument.createDocumentFragment();
            for (const entry of shown) fragment.appendChild(this.row(entry));
            this.container.appendChild(fragment);
            const excess = this.container.childElementCount - this.options.maxRows;
            if (excess > 0) {
                // One range removal instead of one mutation per row.
                const range = this.container.ownerDocument.createRange();
                range.setStartBefore(this.container.firstElementChild);
                range.setEndAfter(this.container.children[excess - 1]);
                range.deleteContents();
            }
            if (this.stuck) this.scrollToBottom();
        }

        scrollToBottom() {
            this.container.scrollTop = this.container.scrollHeight;
            this.stuck = true;
            this.options.onStickChange?.(true);
        }

        destroy() {
            this.container.removeEventListener('scroll', this.onScroll);
        }

        row(entry) {
            const doc = this.container.ownerDocument;
            const row = doc.createElement('div');
            row.className = `log-entry ${levelClass(entry.level)}`;
            row.dataset.cursor = entry.cursor;
            const cell = (className, text) => {
                const span = doc.createElement('span');
                span.className = className;
                span.textContent = text;
                row.appendChild(span);
                return span;
            };
            if (entry.line !== undefined) cell('log-line', String(entry.line));
            cell('log-time', formatTimestamp(entry.timestamp, this.options.dateInTime));
            cell('log-level', entry.level);
            if (this.options.showStep && entry.step_name) cell('log-step', entry.step_name);
            if (this.options.showSource && (entry.service || entry.source)) {
                cell('log-source', entry.service ? `${entry.service}/${entry.instance ?? ''}` : entry.source);
            }
            renderMessage(cell('log-message', ''), entry.message);
            return row;
        }
    }

    // ------------------------------------------------------------------ the job page's viewer (issue 15)

    /** Ways a row's time is shown: the clock (local or UTC), since the job started, since the line before. */
    const TIMESTAMP_MODES = Object.freeze(['local', 'utc', 'elapsed', 'delta']);

    /** A line that comes this long after the one before it is marked as following a silence. */
    const SILENCE_MS = 10000;

    const pad = (n, width = 2) => String(n).padStart(width, '0');

    /**
     * A duration for people: `850 ms`, `12.3 s`, `4 m 05 s`, `1 h 02 m`.
     * @param {number} ms
     * @returns {string}
     */
    function formatDuration(ms) {
        if (!Number.isFinite(ms)) return '';
        const abs = Math.max(0, Math.round(ms));
        if (abs < 1000) return `${abs} ms`;
        if (abs < 60000) return `${(abs / 1000).toFixed(1)} s`;
        const s = Math.floor(abs / 1000);
        if (s < 3600) return `${Math.floor(s / 60)} m ${pad(s % 60)} s`;
        return `${Math.floor(s / 3600)} h ${pad(Math.floor(s / 60) % 60)} m`;
    }

    /** `+1:02.345` (or `+1:02:03.456`): an offset in a log, to the millisecond, fixed width per magnitude. */
    function formatOffset(ms) {
        const sign = ms < 0 ? '-' : '+';
        const abs = Math.abs(Math.round(ms));
        const h = Math.floor(abs / 3600000);
        const m = Math.floor(abs / 60000) % 60;
        const s = Math.floor(abs / 1000) % 60;
        const rest = `${pad(s)}.${pad(abs % 1000, 3)}`;
        return h > 0 ? `${sign}${h}:${pad(m)}:${rest}` : `${sign}${m}:${rest}`;
    }

    /**
     * An entry's time as the reader chose to see it.
     * @param {{timestamp: string}} entry
     * @param {string} mode one of TIMESTAMP_MODES
     * @param {{jobStart?: (string|null), previous?: ({timestamp: string}|undefined)}} [context]
     * @returns {string} empty when the mode needs what is not known (no job start, no line before)
     */
    function formatTime(entry, mode, context = {}) {
        const at = Date.parse(entry.timestamp);
        if (Number.isNaN(at)) return '';
        const date = new Date(at);
        switch (mode) {
            case 'utc':
                return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
            case 'elapsed': {
                const start = Date.parse(context.jobStart ?? '');
                return Number.isNaN(start) ? '' : formatOffset(at - start);
            }
            case 'delta': {
                const before = Date.parse(context.previous?.timestamp ?? '');
                return Number.isNaN(before) ? '' : formatOffset(at - before);
            }
            default:
                return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
        }
    }

    /**
     * The lines a URL fragment names: `#L123` or `#L120-L140` (either order).
     * @param {string} hash e.g. location.hash
     * @returns {{from: number, to: number}|null}
     */
    function parseLineHash(hash) {
        const m = /^#?L(\d{1,15})(?:-L?(\d{1,15}))?$/.exec(String(hash ?? ''));
        if (!m) return null;
        const a = Number(m[1]);
        const b = m[2] === undefined ? a : Number(m[2]);
        if (a < 1 || b < 1) return null;
        return { from: Math.min(a, b), to: Math.max(a, b) };
    }

    /** `#L123` or `#L120-L140`; empty for no lines. */
    function lineHash(lines) {
        if (!lines) return '';
        return lines.from === lines.to ? `#L${lines.from}` : `#L${lines.from}-L${lines.to}`;
    }

    /** The view a job page's URL describes; the names are the page's query parameters. */
    const VIEW_PARAMS = Object.freeze({ step: 'step', level: 'level', search: 'q', only: 'only' });

    /**
     * Reads the view a URL describes: step, level, search and whether only matching lines show
     * (`?step=…&level=…&q=…&only=1`), and the lines it points at (`#L…`).
     * @param {string|URL} href
     * @returns {{stepId: string, level: string, search: string, only: boolean, lines: ({from: number, to: number}|null)}}
     */
    function readViewState(href) {
        const url = new URL(String(href), 'http://localhost');
        const get = (name) => url.searchParams.get(name) ?? '';
        return {
            stepId: get(VIEW_PARAMS.step),
            level: get(VIEW_PARAMS.level),
            search: get(VIEW_PARAMS.search),
            only: get(VIEW_PARAMS.only) === '1',
            lines: parseLineHash(url.hash),
        };
    }

    /**
     * The path, query and hash that describe a view (only what is set), for history.replaceState:
     * a copied link opens the same view.
     * @param {string} path the page's path
     * @param {{stepId?: string, level?: string, search?: string, only?: boolean, lines?: Object}} state
     * @returns {string}
     */
    function viewStateHref(path, state) {
        const query = new URLSearchParams();
        if (state.stepId) query.set(VIEW_PARAMS.step, state.stepId);
        if (state.level) query.set(VIEW_PARAMS.level, state.level);
        if (state.search) query.set(VIEW_PARAMS.search, state.search);
        if (state.only && state.search) query.set(VIEW_PARAMS.only, '1');
        const q = query.toString();
        return `${path}${q ? `?${q}` : ''}${lineHash(state.lines)}`;
    }

    /**
     * Says how many lines arrived to a screen reader, politely and at most once every
     * `minIntervalMs`: a log at thousands of lines a second must not become a stream of speech.
     * The element is a `role="status"` (`aria-live="polite"`) region outside the list.
     */
    class Announcer {
        /**
         * @param {HTMLElement} element the live region
         * @param {number} [minIntervalMs]
         */
        constructor(element, minIntervalMs = 5000) {
            this.element = element;
            this.minIntervalMs = minIntervalMs;
            this.lines = 0;
            this.errors = 0;
            this.timer = null;
            this.last = -Infinity;
        }

        /** Counts new entries; the announcement comes when the interval allows. */
        add(entries) {
            this.lines += entries.length;
            this.errors += entries.filter((e) => e.level === 'error' || e.level === 'fatal').length;
            if (this.timer !== null || this.lines === 0) return;
            const wait = Math.max(0, this.last + this.minIntervalMs - Date.now());
            this.timer = setTimeout(() => this.flush(), wait);
        }

        flush() {
            this.timer = null;
            if (this.lines === 0) return;
            const errors = this.errors ? `, ${this.errors} ${this.errors === 1 ? 'error' : 'errors'}` : '';
            this.element.textContent = `${this.lines} new ${this.lines === 1 ? 'line' : 'lines'}${errors}`;
            this.lines = 0;
            this.errors = 0;
            this.last = Date.now();
        }

        destroy() {
            clearTimeout(this.timer);
            this.timer = null;
        }
    }

    /** About what an entry costs in memory: its strings twice over (UTF-16) plus the object. */
    function entryBytes(entry) {
        return 200 + 2 * (String(entry.message ?? '').length + String(entry.step_name ?? '').length
            + String(entry.step_id ?? '').length);
    }

    /**
     * The entries of one view of a job's log (one filter) by position, as far as they are loaded:
     * a sparse, bounded cache of pages fetched by range from the gateway
     * (`GET /api/jobs/{id}/logs/range`), into which the live stream also writes its entries
     * (each with its `position`). What is not loaded is a placeholder until its page comes.
     *
     * Bounded: at most `maxPages` pages and `maxBytes` of entries; beyond, the least recently
     * wanted pages go, never the ones on screen nor the newest (where the live tail lands). A page
     * that failed is asked for again only after `retryMs`. A page asked for while the reader jumps
     * (dragging the scrollbar) waits `settleMs` for the jumping to stop, and a page left far behind
     * is cancelled: the server reads what the reader stops at, not everything they passed.
     */
    class RangeCache {
        /**
         * @param {Object} o
         * @param {function(number, number, AbortSignal): Promise<{from: number, logs: Object[], meta: Object}>} o.fetchRange
         * @param {function()} [o.onChange] entries arrived (or the total grew)
         * @param {function(Error)} [o.onError]
         * @param {number} [o.pageSize]
         * @param {number} [o.maxPages]
         * @param {number} [o.maxBytes]
         */
        constructor(o) {
            this.o = { pageSize: 200, maxPages: 60, maxBytes: 16 << 20, retryMs: 2000, settleMs: 60, ...o };
            this.generation = 0;
            this.pages = new Map();
            this.inflight = new Map();
            this.failed = new Map();
            this.bytes = 0;
            this.total = 0;
            this.tick = 0;
            this.window = { from: 0, to: 0 };
            this.settleTimer = null;
            /** Line of position 0 in an unfiltered view (null: not known, or a filtered view). */
            this.base = null;
            this.unfiltered = false;
        }

        /**
         * Forgets everything (a new filter, a restart): answers still on their way are dropped.
         * @param {boolean} [unfiltered] the view is the whole log: position n is line base + n
         */
        clear(unfiltered = false) {
            this.unfiltered = unfiltered;
            this.generation++;
            this.inflight.forEach((controller) => controller.abort());
            this.inflight.clear();
            this.failed.clear();
            this.pages.clear();
            clearTimeout(this.settleTimer);
            this.settleTimer = null;
            this.bytes = 0;
            this.total = 0;
            this.base = null;
        }

        /** Entries in the view, as far as known (it only grows until clear()). */
        setTotal(n) {
            if (Number.isFinite(n) && n > this.total) this.total = n;
        }

        /** @returns {Object|undefined} the entry at this position, if loaded */
        entry(i) {
            return this.pages.get(Math.floor(i / this.o.pageSize))?.items[i % this.o.pageSize];
        }

        /** Entries starting at position `from` (a range's answer). */
        put(from, entries) {
            entries.forEach((entry, k) => this.set(from + k, entry));
            this.setTotal(from + entries.length);
            this.evict();
        }

        /** Live entries that know their position; the others wait for their page. */
        putLive(entries) {
            for (const entry of entries) {
                if (Number.isInteger(entry.position)) {
                    this.set(entry.position, entry);
                    this.setTotal(entry.position + 1);
                }
            }
            this.evict();
        }

        set(i, entry) {
            const p = Math.floor(i / this.o.pageSize);
            let page = this.pages.get(p);
            if (!page) {
                page = { items: new Array(this.o.pageSize), bytes: 0, used: ++this.tick };
                this.pages.set(p, page);
            }
            const old = page.items[i % this.o.pageSize];
            const bytes = entryBytes(entry);
            page.bytes += bytes - (old ? entryBytes(old) : 0);
            this.bytes += bytes - (old ? entryBytes(old) : 0);
            page.items[i % this.o.pageSize] = entry;
            if (this.base === null && this.unfiltered && Number.isInteger(entry.line)) this.base = entry.line - i;
        }

        /**
         * The reader looks at positions [from, to): load what is missing there. While they jump
         * (`jumping`), the fetch waits until they stop.
         */
        want(from, to, jumping = false) {
            this.window = { from, to };
            const size = this.o.pageSize;
            clearTimeout(this.settleTimer);
            this.settleTimer = null;
            // Nothing there yet (an empty view): nothing to load.
            if (Math.min(to, this.total) <= from) return;
            const first = Math.floor(Math.max(0, from) / size);
            const last = Math.floor(Math.max(0, Math.min(to, this.total) - 1) / size);
            const missing = [];
            for (let p = first; p <= last && to > from; p++) {
                const page = this.pages.get(p);
                if (page) page.used = ++this.tick;
                const lo = Math.max(from, p * size);
                const hi = Math.min(to, this.total, (p + 1) * size);
                let complete = Boolean(page);
                for (let i = lo; complete && i < hi; i++) complete = page.items[i - p * size] !== undefined;
                if (!complete) missing.push(p);
            }
            // Left far behind: not worth the server's time any more.
            for (const [p, controller] of this.inflight) {
                if (p < first - 1 || p > last + 1) {
                    controller.abort();
                    this.inflight.delete(p);
                }
            }
            if (missing.length === 0) return;
            if (jumping) {
                this.settleTimer = setTimeout(() => this.want(this.window.from, this.window.to), this.o.settleMs);
                return;
            }
            missing.forEach((p) => this.load(p));
        }

        load(p) {
            if (this.inflight.has(p) || (this.failed.get(p) ?? 0) > Date.now()) return;
            const controller = new AbortController();
            const generation = this.generation;
            this.inflight.set(p, controller);
            this.o.fetchRange(p * this.o.pageSize, this.o.pageSize, controller.signal).then((data) => {
                if (generation !== this.generation) return;
                this.inflight.delete(p);
                this.failed.delete(p);
                this.setTotal(data.meta?.displayed_count ?? 0);
                this.put(data.from, data.logs);
                this.o.onChange?.();
            }).catch((error) => {
                if (generation !== this.generation || controller.signal.aborted) return;
                this.inflight.delete(p);
                this.failed.set(p, Date.now() + this.o.retryMs);
                this.o.onError?.(error);
            });
        }

        /** Drops the least recently wanted pages beyond the bounds, never those on screen or the newest. */
        evict() {
            const size = this.o.pageSize;
            if (this.pages.size <= this.o.maxPages && this.bytes <= this.o.maxBytes) return;
            const onScreen = (p) => (p + 1) * size > this.window.from && p * size < this.window.to;
            const newest = Math.floor(Math.max(0, this.total - 1) / size);
            const candidates = [...this.pages].filter(([p]) => !onScreen(p) && p !== newest)
                .sort((a, b) => a[1].used - b[1].used);
            for (const [p, page] of candidates) {
                if (this.pages.size <= this.o.maxPages && this.bytes <= this.o.maxBytes) break;
                this.pages.delete(p);
                this.bytes -= page.bytes;
            }
        }

        /** Entries held now (what the bounds' tests check). */
        get size() {
            let n = 0;
            this.pages.forEach((page) => { n += page.items.filter((e) => e !== undefined).length; });
            return n;
        }

        destroy() {
            this.clear();
        }
    }

    /**
     * A scrolling list of any number of rows that keeps only those on screen, and a margin, in the
     * DOM: a million rows cost what forty do.
     *
     * Implementation notes. The container scrolls over a spacer as tall as the rows would be (at
     * the estimated row height, `--log-row-height`), capped at `maxScrollPx` (browsers cap an
     * element's height; a longer list is scaled into the range). A sticky window the size of the
     * container stays in view and holds the rendered rows, so the browser never moves them on its
     * own: where they go is decided here, once per animation frame. What is shown is an anchor,
     * the row at the top and how many pixels of it are scrolled past. A small scroll (a wheel
     * notch, an arrow key, less than a screen) moves the anchor by those pixels through the rows'
     * measured heights, so wrapped and multi-line rows scroll smoothly; a bigger one (dragging the
     * scrollbar, a page far away) places it by proportion. After scrolling stops, the scrollbar is
     * brought back in line with the anchor if heights made them drift. Following, the newest rows
     * are drawn from the bottom up; new rows then keep the reader at the bottom, and a reader who
     * scrolled up keeps their anchor while the list grows under them.
     */
    class VirtualLog {
        /**
         * @param {HTMLElement} container the scrolling element (empty; the list builds its parts)
         * @param {Object} o
         * @param {function(): number} o.count rows in the list
         * @param {function(number): string} o.key a row's identity: a row whose key did not change is not rebuilt
         * @param {function(number): HTMLElement} o.render builds row d
         * @param {function(number, number, boolean)} [o.want] rows [from, to) are about to be drawn; true while the reader jumps
         * @param {function(boolean)} [o.onFollowChange]
         * @param {function()} [o.onRender] after each frame drawn
         * @param {number} [o.margin] rows drawn beyond the screen on each side
         * @param {number} [o.maxScrollPx]
         */
        constructor(container, o) {
            this.c = container;
            this.o = { margin: 6, maxScrollPx: 15000000, ...o };
            const doc = container.ownerDocument;
            const div = (className) => {
                const el = doc.createElement('div');
                el.className = className;
                return el;
            };
            this.win = div('log-window');
            this.rows = div('log-rows');
            this.above = div('log-rows-above');
            this.below = div('log-rows-below');
            this.spacer = div('log-spacer');
            this.rows.appendChild(this.above);
            this.rows.appendChild(this.below);
            this.win.appendChild(this.rows);
            container.appendChild(this.win);
            container.appendChild(this.spacer);
            this.rowH = 0;
            this.top = { d: 0, px: 0 };
            this.following = true;
            this.bottomMode = false;
            this.bottomShift = 0;
            this.jumping = false;
            this.syncScroll = false;
            this.rendered = new Map();
            this.heights = new Map();
            this.scrollPx = 0;
            this.k = 1;
            this.lastScrollTop = 0;
            this.frame = null;
            this.resyncTimer = null;
            this.onScroll = () => this.scrolled();
            container.addEventListener('scroll', this.onScroll, { passive: true });
            this.resizeObserver = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.schedule()) : null;
            this.resizeObserver?.observe(container);
            this.schedule();
        }

        /** The height rows can use: the window's, less a horizontal scrollbar when lines do not wrap. */
        get vh() {
            return this.win.clientHeight || this.c.clientHeight;
        }

        /** The estimated height of one row: the CSS variable --log-row-height (18 px without it). */
        rowHeight() {
            if (!this.rowH) {
                const css = typeof getComputedStyle === 'function'
                    ? parseFloat(getComputedStyle(this.c).getPropertyValue('--log-row-height')) : NaN;
                this.rowH = css > 0 ? css : 18;
            }
            return this.rowH;
        }

        /** Draws again in the next animation frame (many calls in one frame draw once). */
        schedule() {
            if (this.frame === null) {
                this.frame = nextFrame(() => {
                    this.frame = null;
                    this.render();
                });
            }
        }

        /** Rows changed how they look (wrap, options): measured heights no longer hold. */
        refresh() {
            this.heights.clear();
            this.schedule();
        }

        /** Back to the top, or to following, with nothing measured: a new list. */
        reset() {
            this.heights.clear();
            this.rendered.clear();
            this.top = { d: 0, px: 0 };
            this.syncScroll = !this.following;
            this.schedule();
        }

        follow() {
            this.setFollowing(true);
            this.schedule();
        }

        /** Stops following where the reader is: the rows on screen stay. */
        pause() {
            if (this.following) {
                this.top = this.anchorFromDom();
                this.setFollowing(false);
                this.syncScroll = true;
                this.schedule();
            }
        }

        /** Shows row d at `fraction` of the screen from the top (1/3 by default) and stops following. */
        scrollToRow(d, fraction = 1 / 3) {
            const rowH = this.rowHeight();
            this.setFollowing(false);
            this.top = { d: Math.max(0, d - Math.floor((this.vh * fraction) / rowH)), px: 0 };
            this.syncScroll = true;
            this.schedule();
        }

        /** Scrolls just enough for row d to be on screen. */
        ensureVisible(d) {
            const top = this.bottomMode ? this.anchorFromDom() : this.top;
            const shown = Math.max(1, Math.floor(this.vh / this.rowHeight()) - 1);
            if (d < top.d || d >= top.d + shown) this.scrollToRow(d, 0.5);
        }

        /** The first row on screen. */
        firstVisible() {
            return (this.bottomMode ? this.anchorFromDom() : this.top).d;
        }

        setFollowing(following) {
            if (this.following !== following) {
                this.following = following;
                this.o.onFollowChange?.(following);
            }
        }

        scrolled() {
            const st = this.c.scrollTop;
            // The list's own setScroll (it remembered where it put the scrollbar): nothing moved.
            if (st === this.lastScrollTop) return;
            const delta = st - this.lastScrollTop;
            this.lastScrollTop = st;
            const max = this.scrollPx - this.vh;
            if (max <= 0) return;
            if (st >= max - 1) {
                // At the bottom: following again, as a reader scrolling to the end expects.
                this.setFollowing(true);
                this.schedule();
                return;
            }
            if (this.following || this.bottomMode) {
                this.top = this.anchorFromDom();
                this.setFollowing(false);
            }
            this.jumping = Math.abs(delta) > this.vh;
            if (st <= 0) {
                this.top = { d: 0, px: 0 };
            } else if (this.jumping) {
                this.top = this.fromNominal(st * this.k);
            } else {
                this.moveBy(delta * this.k);
            }
            this.schedule();
            clearTimeout(this.resyncTimer);
            this.resyncTimer = setTimeout(() => this.resync(), 150);
        }

        /** Scrolling stopped: the scrollbar goes where the anchor is, if heights made them drift. */
        resync() {
            this.resyncTimer = null;
            this.jumping = false;
            if (this.following || this.bottomMode) return;
            const target = this.nominal(this.top) / this.k;
            if (Math.abs(target - this.c.scrollTop) > 2) this.setScroll(target);
            this.schedule();
        }

        nominal(top) {
            return top.d * this.rowHeight() + top.px;
        }

        fromNominal(px) {
            const rowH = this.rowHeight();
            const count = this.o.count();
            const d = Math.max(0, Math.min(count - 1, Math.floor(px / rowH)));
            return { d, px: Math.max(0, px - d * rowH) };
        }

        /** Row d's height: measured when it was drawn, else the estimate. */
        height(d) {
            const drawn = this.rendered.get(d);
            if (drawn) {
                const h = drawn.el.offsetHeight;
                if (h > 0) {
                    if (this.heights.size > 2000) this.heights.clear();
                    this.heights.set(d, h);
                    return h;
                }
            }
            return this.heights.get(d) ?? this.rowHeight();
        }

        moveBy(px) {
            const count = this.o.count();
            let { d, px: off } = this.top;
            off += px;
            while (off < 0 && d > 0) {
                d--;
                off += this.height(d);
            }
            if (off < 0) off = 0;
            while (d < count - 1 && off >= this.height(d)) {
                off -= this.height(d);
                d++;
            }
            this.top = { d, px: off };
        }

        /** Where the drawn rows put the top of the screen (after drawing from the bottom). */
        anchorFromDom() {
            const shift = this.bottomMode ? this.bottomShift : -this.top.px;
            for (const [d, { el }] of [...this.rendered].sort((a, b) => a[0] - b[0])) {
                if (d < this.top.d && !this.bottomMode) continue;
                const top = shift + el.offsetTop;
                if (top + el.offsetHeight > 0) return { d, px: Math.max(0, -top) };
            }
            return { d: Math.max(0, this.o.count() - 1), px: 0 };
        }

        /** Moves the scrollbar; the scroll event this causes finds it where it was put, and does nothing. */
        setScroll(value) {
            const v = Math.max(0, Math.round(value));
            if (Math.abs(this.c.scrollTop - v) >= 1) this.c.scrollTop = v;
            this.lastScrollTop = this.c.scrollTop;
        }

        render() {
            const count = this.o.count();
            const rowH = this.rowHeight();
            const vh = this.vh;
            const contentPx = count * rowH;
            this.scrollPx = Math.max(vh, Math.min(contentPx, this.o.maxScrollPx));
            this.k = contentPx > vh && this.scrollPx > vh ? (contentPx - vh) / (this.scrollPx - vh) : 1;
            this.spacer.style.height = `${Math.max(0, this.scrollPx - vh)}px`;
            this.c.setAttribute('aria-rowcount', String(count));

            const fitsOnScreen = contentPx <= vh;
            if (fitsOnScreen) this.top = { d: 0, px: 0 };
            this.top.d = Math.max(0, Math.min(this.top.d, count - 1));
            const reachedEnd = !fitsOnScreen && (count - this.top.d) * rowH - this.top.px <= vh;
            const bottom = !fitsOnScreen && (this.following || reachedEnd);
            let from;
            let to;
            if (bottom) {
                from = Math.max(0, count - Math.ceil(vh / rowH) - this.o.margin);
                to = count;
            } else {
                from = Math.max(0, this.top.d - this.o.margin);
                to = Math.min(count, this.top.d + Math.ceil((vh + this.top.px) / rowH) + this.o.margin);
            }
            this.o.want?.(from, to, this.jumping);

            const rendered = new Map();
            const above = [];
            const below = [];
            for (let d = from; d < to; d++) {
                const key = this.o.key(d);
                const old = this.rendered.get(d);
                const el = old && old.key === key ? old.el : this.o.render(d);
                rendered.set(d, { key, el });
                (!bottom && d < this.top.d ? above : below).push(el);
            }
            const same = (parent, els) => parent.childNodes.length === els.length && els.every((el, i) => parent.childNodes[i] === el);
            if (!same(this.above, above)) this.above.replaceChildren(...above);
            if (!same(this.below, below)) this.below.replaceChildren(...below);
            this.rendered = rendered;
            this.bottomMode = bottom;

            if (bottom) {
                // Drawn from the bottom up: the rows' own height decides where they start.
                this.bottomShift = vh - this.below.offsetHeight;
                this.rows.style.transform = `translateY(${this.bottomShift}px)`;
                if (this.following) this.setScroll(this.scrollPx - vh);
            } else {
                this.rows.style.transform = `translateY(${-this.top.px}px)`;
                if (this.syncScroll) this.setScroll(this.nominal(this.top) / this.k);
            }
            this.syncScroll = false;
            this.o.onRender?.();
        }

        /** The element of row d while it is drawn. */
        element(d) {
            return this.rendered.get(d)?.el ?? null;
        }

        destroy() {
            this.c.removeEventListener('scroll', this.onScroll);
            this.resizeObserver?.disconnect();
            cancelFrame(this.frame);
            this.frame = null;
            clearTimeout(this.resyncTimer);
        }
    }

    /**
     * A job's log as one list the reader can scroll from its first line to its last, however long,
     * fed by range reads and by the live stream: a {@link RangeCache} of the entries, a
     * {@link VirtualLog} of the rows, and what a row shows (line link, time, level, step, message
     * with colours, links and search hits), which lines are selected, the current match, the
     * "new since you looked" divider and folded steps.
     *
     * Rows are grid rows (`role="row"`, `aria-rowindex`) of a `role="grid"` container with
     * `aria-rowcount`; the arrow keys move a focused row (`aria-activedescendant`), Enter selects
     * its line. A click on a line number selects it, a shift-click makes a range. One floating bar
     * offers "copy line" and "copy link" for the row under the pointer or focused.
     *
     * Callbacks (options): onSelect({from, to}) a line selection by click or key, onCopy(kind,
     * entry) kind 'line' or 'link', onFoldToggle(fold), onFollowChange(following), onError(error).
     */
    class LogViewer {
        /**
         * @param {HTMLElement} container the scrolling element
         * @param {Object} o
         * @param {function(number, number, AbortSignal): Promise<Object>} o.fetchRange a range of the current view
         * @param {string} [o.idPrefix] prefix of the rows' ids (aria-activedescendant)
         */
        constructor(container, o) {
            this.c = container;
            this.o = { idPrefix: 'log', ...o };
            this.options = {
                timestamps: 'local', jobStart: null, showStep: true, term: '', selection: null,
                current: null, divider: null, folds: [],
            };
            this.version = 0;
            this.focused = null;
            this.cache = new RangeCache({
                fetchRange: o.fetchRange,
                onChange: () => this.list.schedule(),
                onError: (e) => this.o.onError?.(e),
            });
            container.setAttribute('role', 'grid');
            container.setAttribute('aria-readonly', 'true');
            if (!container.hasAttribute('tabindex')) container.tabIndex = 0;
            this.list = new VirtualLog(container, {
                count: () => this.rowCount(),
                key: (d) => this.key(d),
                render: (d) => this.render(d),
                want: (from, to, jumping) => this.want(from, to, jumping),
                onFollowChange: (following) => this.o.onFollowChange?.(following),
                onRender: () => this.rendered(),
            });
            const doc = container.ownerDocument;
            this.actions = doc.createElement('div');
            this.actions.className = 'log-row-actions';
            this.actions.hidden = true;
            for (const [kind, label, title] of [['line', 'Copy', 'Copy this line'], ['link', 'Link', 'Copy a link to this line']]) {
                const button = doc.createElement('button');
                button.type = 'button';
                button.textContent = label;
                button.title = title;
                button.dataset.copy = kind;
                button.tabIndex = -1;
                this.actions.appendChild(button);
            }
            this.list.win.appendChild(this.actions);
            this.actionsFor = null;
            this.onClick = (e) => this.clicked(e);
            this.onOver = (e) => this.hovered(e);
            this.onLeave = () => this.showActions(this.focused);
            this.onKey = (e) => this.keyed(e);
            container.addEventListener('click', this.onClick);
            container.addEventListener('mouseover', this.onOver);
            container.addEventListener('mouseleave', this.onLeave);
            container.addEventListener('keydown', this.onKey);
        }

        // ------------------------------------------------------------ what the page tells it

        /** A new view (another filter, a restart): nothing loaded, nothing measured. */
        reset(unfiltered) {
            this.cache.clear(unfiltered);
            this.focused = null;
            this.options.current = null;
            this.options.divider = null;
            this.options.folds = [];
            this.version++;
            this.list.reset();
        }

        /** Entries from the live stream (each with its position) and the view's total. */
        live(entries, total) {
            this.cache.setTotal(total);
            this.cache.putLive(entries);
            this.list.schedule();
        }

        /** Entries the page fetched itself (a linked line's range). */
        put(from, entries, total) {
            this.cache.setTotal(total);
            this.cache.put(from, entries);
            this.list.schedule();
        }

        /** Changes what rows show: timestamps, jobStart, showStep, term, selection, current, divider, folds. */
        set(options) {
            Object.assign(this.options, options);
            this.version++;
            this.list.refresh();
        }

        get total() {
            return this.cache.total;
        }

        get following() {
            return this.list.following;
        }

        follow() {
            this.list.follow();
        }

        pause() {
            this.list.pause();
        }

        /** Shows the entry at this position near the top of the screen. */
        scrollToIndex(index, fraction) {
            this.list.scrollToRow(this.rowOf(index), fraction);
        }

        /** The position of a line in this view, if it can be known without asking the server. */
        indexOfLine(line) {
            return this.cache.unfiltered && this.cache.base !== null ? line - this.cache.base : null;
        }

        /** The entry at a position, if loaded. */
        entry(index) {
            return this.cache.entry(index);
        }

        /** The position of the first entry on screen. */
        firstVisibleIndex() {
            const item = this.item(this.list.firstVisible());
            return item.fold ? item.fold.from : item.index;
        }

        /** The line of the first loaded entry on screen (or null). */
        firstVisibleLine() {
            for (let d = this.list.firstVisible(); d < this.rowCount(); d++) {
                const item = this.item(d);
                if (item.entry) return item.entry.line;
                if (!item.fold) return null;
            }
            return null;
        }

        destroy() {
            this.c.removeEventListener('click', this.onClick);
            this.c.removeEventListener('mouseover', this.onOver);
            this.c.removeEventListener('mouseleave', this.onLeave);
            this.c.removeEventListener('keydown', this.onKey);
            this.list.destroy();
            this.cache.destroy();
        }

        // ------------------------------------------------------------ rows and folds

        /** Rows: every entry, a folded step counting as one. */
        rowCount() {
            let n = this.cache.total;
            for (const f of this.activeFolds()) n -= f.to - f.from;
            return Math.max(0, n);
        }

        /** Folds wholly within what the view holds, in order. */
        activeFolds() {
            return this.options.folds.filter((f) => f.to < this.cache.total).sort((a, b) => a.from - b.from);
        }

        /** Row d: a fold, or the entry at a position (undefined while not loaded). */
        item(d) {
            let index = d;
            for (const f of this.activeFolds()) {
                if (index < f.from) break;
                if (index === f.from) return { fold: f, index };
                index += f.to - f.from;
            }
            return { index, entry: this.cache.entry(index) };
        }

        /** The row of a position (a folded entry: its fold's row). */
        rowOf(index) {
            let d = index;
            for (const f of this.activeFolds()) {
                if (index > f.to) d -= f.to - f.from;
                else if (index >= f.from) return f.from - (index - d);
            }
            return d;
        }

        want(from, to, jumping) {
            if (to <= from) return;
            const a = this.item(from);
            const b = this.item(Math.max(from, to - 1));
            this.cache.want(a.index, b.index + 1, jumping);
        }

        key(d) {
            const item = this.item(d);
            return item.fold ? `f${item.fold.from}-${item.fold.to}:${this.version}`
                : `${item.index}:${item.entry ? 1 : 0}:${this.version}`;
        }

        rowId(index) {
            return `${this.o.idPrefix}-row-${index}`;
        }

        render(d) {
            const doc = this.c.ownerDocument;
            const item = this.item(d);
            const row = doc.createElement('div');
            row.setAttribute('role', 'row');
            row.setAttribute('aria-rowindex', String(d + 1));
            row.dataset.index = String(item.index);
            if (item.fold) return this.foldRow(row, item.fold);
            row.id = this.rowId(item.index);
            const cell = (tag, className, text) => {
                const el = doc.createElement(tag);
                el.className = className;
                el.setAttribute('role', 'gridcell');
                if (text !== undefined) el.textContent = text;
                row.appendChild(el);
                return el;
            };
            const entry = item.entry;
            if (!entry) {
                row.className = 'log-entry log-placeholder';
                const line = this.cache.unfiltered && this.cache.base !== null ? String(this.cache.base + item.index) : '';
                cell('span', 'log-line', line);
                cell('span', 'log-message log-loading', '…');
                return row;
            }
            const o = this.options;
            const classes = ['log-entry', levelClass(entry.level)];
            if (o.selection && entry.line >= o.selection.from && entry.line <= o.selection.to) classes.push('log-selected');
            if (o.current === entry.line) classes.push('log-current-match');
            if (o.divider !== null && item.index === o.divider) classes.push('log-divider');
            if (this.focused === item.index) classes.push('log-focused');
            const previous = item.index > 0 ? this.cache.entry(item.index - 1) : undefined;
            const silence = previous ? Date.parse(entry.timestamp) - Date.parse(previous.timestamp) : NaN;
            if (silence >= SILENCE_MS) {
                classes.push('log-after-silence');
                row.dataset.silence = `${formatDuration(silence)} without output`;
            }
            row.className = classes.join(' ');
            row.dataset.line = String(entry.line);
            row.dataset.cursor = entry.cursor;
            const link = cell('a', 'log-line', String(entry.line));
            link.href = `#L${entry.line}`;
            link.tabIndex = -1;
            const time = cell('span', 'log-time', formatTime(entry, o.timestamps, { jobStart: o.jobStart, previous }));
            time.title = entry.timestamp;
            cell('span', 'log-level', entry.level);
            if (o.showStep && (entry.step_name || entry.step_id)) cell('span', 'log-step', entry.step_name || entry.step_id);
            renderMessage(cell('span', 'log-message'), entry.message, { term: o.term, links: true });
            return row;
        }

        foldRow(row, fold) {
            const doc = this.c.ownerDocument;
            row.className = 'log-entry log-fold';
            const button = doc.createElement('button');
            button.type = 'button';
            button.className = 'log-fold-toggle';
            button.setAttribute('role', 'gridcell');
            button.setAttribute('aria-expanded', 'false');
            button.textContent = `▸ ${fold.label} — ${(fold.to - fold.from + 1).toLocaleString()} lines folded`;
            row.appendChild(button);
            row.__fold = fold;
            return row;
        }

        rendered() {
            const el = this.focused === null ? null : this.list.element(this.rowOf(this.focused));
            if (el) this.c.setAttribute('aria-activedescendant', el.id);
            else this.c.removeAttribute('aria-activedescendant');
            if (this.actionsFor !== null) this.showActions(this.actionsFor);
        }

        // ------------------------------------------------------------ pointer and keys

        rowElement(target) {
            let el = target;
            while (el && el !== this.c) {
                if (el.getAttribute?.('role') === 'row') return el;
                el = el.parentNode;
            }
            return null;
        }

        clicked(e) {
            const copy = e.target.closest?.('[data-copy]');
            if (copy && this.actionsFor !== null) {
                const entry = this.cache.entry(this.actionsFor);
                if (entry) this.o.onCopy?.(copy.dataset.copy, entry);
                return;
            }
            const row = this.rowElement(e.target);
            if (!row) return;
            if (row.__fold) {
                this.o.onFoldToggle?.(row.__fold);
                return;
            }
            const line = e.target.closest?.('a.log-line');
            if (line && !e.ctrlKey && !e.metaKey && e.button === 0) {
                e.preventDefault();
                this.select(Number(row.dataset.line), e.shiftKey);
            }
        }

        /** Selects a line, or with `extend` the range from the selection's first line to it. */
        select(lineNumber, extend) {
            const selection = this.options.selection;
            const next = extend && selection
                ? { from: Math.min(selection.from, lineNumber), to: Math.max(selection.from, lineNumber) }
                : { from: lineNumber, to: lineNumber };
            this.set({ selection: next });
            this.o.onSelect?.(next);
        }

        hovered(e) {
            const row = this.rowElement(e.target);
            if (row && !row.__fold && row.dataset.line) this.showActions(Number(row.dataset.index));
        }

        /** Puts the copy bar beside the row of this position, if it is drawn; hides it otherwise. */
        showActions(index) {
            const el = index === null ? null : this.list.element(this.rowOf(index));
            this.actionsFor = el && el.dataset.line ? index : null;
            this.actions.hidden = this.actionsFor === null;
            if (this.actionsFor !== null) {
                const top = el.getBoundingClientRect().top - this.list.win.getBoundingClientRect().top;
                this.actions.style.transform = `translateY(${Math.round(top)}px)`;
            }
        }

        keyed(e) {
            if (e.target !== this.c) return;
            const total = this.cache.total;
            if (total === 0) return;
            const move = (index) => {
                this.focused = Math.max(0, Math.min(total - 1, index));
                this.version++;
                this.list.pause();
                this.list.ensureVisible(this.rowOf(this.focused));
                this.list.refresh();
                this.actionsFor = this.focused;
            };
            if (e.key === 'ArrowDown') {
                e.preventDefault();
                move(this.focused === null ? this.firstVisibleIndex() : this.focused + 1);
            } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                move(this.focused === null ? this.firstVisibleIndex() : this.focused - 1);
            } else if (e.key === 'Enter' && this.focused !== null) {
                const entry = this.cache.entry(this.focused);
                if (entry) {
                    e.preventDefault();
                    this.select(entry.line, e.shiftKey);
                }
            }
        }
    }

    return {
        defaults,
        csrfHeaders,
        signInAgain,
        createStream,
        createServiceStream,
        buildQueryParams,
        formatTimestamp,
        levelClass,
        compareCursors,
        ansiSegments,
        plainText,
        linkSegments,
        findSegments,
        renderMessage,
        TIMESTAMP_MODES,
        formatDuration,
        formatTime,
        parseLineHash,
        lineHash,
        readViewState,
        viewStateHref,
        Announcer,
        RangeCache,
        VirtualLog,
        LogViewer,
        Transport,
        LogBuffer,
        LogStream,
        SharedConnection,
        LogView,
    };
})();

if (typeof module !== 'undefined' && module.exports) {
    module.exports = QuaeroLogs;
}
