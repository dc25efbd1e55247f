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
 * Everything is bounded: the log buffer (maxBufferSize), the rows in the DOM (LogView maxRows),
 * the back-off. Log text is always rendered as text (ANSI colours become spans), never as HTML.
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
     * markup: render each segment's text with textContent.
     * @param {string} text
     * @returns {{text: string, classes: string[]}[]}
     */
    function ansiSegments(text) {
        const segments = [];
        let state = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
        let last = 0;
        const push = (chunk) => {
            if (chunk) {
                const classes = [];
                if (state.fg) classes.push(`ansi-fg-${state.fg}`);
                if (state.bg) classes.push(`ansi-bg-${state.bg}`);
                if (state.bold) classes.push('ansi-bold');
                if (state.dim) classes.push('ansi-dim');
                if (state.italic) classes.push('ansi-italic');
                if (state.underline) classes.push('ansi-underline');
                segments.push({ text: chunk, classes });
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

    function applySgr(previous, codes) {
        const s = { ...previous };
        for (let i = 0; i < codes.length; i++) {
            const code = codes[i];
            if (code === 38 || code === 48) {
                // 256-colour (38;5;n) and truecolour (38;2;r;g;b): not mapped, but their numbers
                // are arguments, not codes of their own.
                i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
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

    /**
     * Fills an element with a message: ANSI colours as spans, everything else as plain text.
     * @param {Element} element
     * @param {string} message
     */
    function renderMessage(element, message) {
        if (!String(message).includes('\u001b')) {
            element.textContent = message;
            return;
        }
        element.textContent = '';
        for (const segment of ansiSegments(message)) {
            if (segment.classes.length === 0) {
                element.appendChild(element.ownerDocument.createTextNode(segment.text));
            } else {
                const span = element.ownerDocument.createElement('span');
                span.className = segment.classes.join(' ');
                span.textContent = segment.text;
                element.appendChild(span);
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
     * The entries of one log a page holds: bounded to the newest `max` (older ones are "earlier",
     * fetched again on demand), de-duplicated by cursor (a replay after a reconnect adds nothing
     * twice), with the counts the last event carried.
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
            /** Whether displayedCount counts only the newest part of a log too long to search whole (meta.counted_from). */
            this.countPartial = false;
            /** Entries dropped from the front to keep within max. */
            this.trimmed = 0;
            /** Whether entries older than the first held exist (or may: lines a search has not read yet). */
            this.hasEarlier = false;
            /**
             * Where "earlier" reads on from when it is not the first entry held: where a search stopped
             * at its bound (meta.scanned_to), every line after it read and every match of them held.
             */
            this.earlierCursor = null;
            this.started = false;
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
            if (!this.started) {
                // The first batch tells what lies before it; later ones are newer lines.
                this.started = true;
                this.hasEarlier = Boolean(data.meta?.has_more);
                this.earlierCursor = data.meta?.scanned_to ?? null;
            }
            if (fresh.length > 0) {
                this.lastCursor = fresh[fresh.length - 1].cursor;
                this.logs.push(...fresh);
                const over = this.logs.length - this.max;
                if (over > 0) {
                    this.logs.splice(0, over);
                    this.trimmed += over;
                    this.hasEarlier = true;
                }
            }
            this.counts(data.meta);
            return fresh;
        }

        /**
         * Puts entries older than the first held in front, at most `room` of them (the newest).
         * @returns {number} how many were added
         */
        prepend(data, room) {
            const first = this.logs[0];
            let older = first ? data.logs.filter((e) => compareCursors(e.cursor, first.cursor) < 0) : data.logs;
            const cut = older.length > Math.max(0, room);
            if (cut) older = older.slice(older.length - Math.max(0, room));
            this.logs = older.concat(this.logs);
            this.hasEarlier = cut || data.meta.has_more;
            // A search that stopped at its bound goes on from there, unless entries were left out for room.
            this.earlierCursor = cut ? null : data.meta.scanned_to ?? null;
            this.counts(data.meta);
            return older.length;
        }

        /** Where reading back goes on from: a search's stop, else the first entry held (null: nowhere). */
        get earlierStart() {
            return this.earlierCursor ?? this.logs[0]?.cursor ?? null;
        }

        counts(meta) {
            if (meta) {
                this.totalCount = meta.total_count;
                this.displayedCount = meta.displayed_count;
                this.countPartial = Boolean(meta.counted_from);
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
        get displayedCount() { return this.buffer.displayedCount; }
        /** True when displayedCount counts the matches of the newest part of the log only (a search in a long log). */
        get countPartial() { return this.buffer.countPartial; }
        get trimmed() { return this.buffer.trimmed; }
        get hasEarlier() { return this.buffer.hasEarlier; }
        /** The current source (an EventSource, or a ChannelSource), for inspection. */
        get eventSource() { return this.transport.source; }

        /**
         * Opens the stream with these filters, from the newest `limit` entries.
         * @param {Object} [filters] stepId, level, search, limit
         */
        connect(filters = {}) {
            this.generation++;
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

        /** Empties the buffer and the counts (the stream stays open). */
        clear() {
            this.buffer.clear();
            this.pending = [];
            this.pendingReplaced = true;
        }

        /**
         * Fetches up to `limit` entries before the first one in the buffer (or, after a search that
         * stopped at its bound, before where it stopped) and puts them in front.
         * @returns {Promise<number>} how many were added
         */
        async loadEarlier() {
            const before = this.buffer.earlierStart;
            if (!before) return 0;
            const generation = this.generation;
            const data = await this.fetchJson({ ...this.filters, before });
            if (generation !== this.generation) return 0;
            // Bounded: at most one page over maxBufferSize while reading back (live lines trim
            // it); what does not fit stays "earlier".
            const room = this.options.maxBufferSize + Number(this.filters.limit || this.options.limit) - this.logs.length;
            return this.buffer.prepend(data, room);
        }

        /**
         * The plain-HTTP fallback: entries after the last cursor, as the stream would have sent.
         * Runs only when the watchdog fires (fallbackTimeoutMs without any event).
         */
        async fetchViaApi() {
            const generation = this.generation;
            try {
                const data = await this.fetchJson({ ...this.filters, since: this.lastCursor ?? undefined });
                if (generation !== this.generation) return;
                this.handleLogs(data);
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

        handleLogs(data) {
            const fresh = this.buffer.add(data);
            if (fresh.length > 0) {
                this.pending.push(...fresh);
                if (this.pending.length > this.options.maxBufferSize) {
                    this.pending.splice(0, this.pending.length - this.options.maxBufferSize);
                }
            }
            this.scheduleRender();
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

        /** @param {Object[]} entries older than every row shown */
        prepend(entries) {
            const fragment = this.container.ownerDocument.createDocumentFragment();
            for (const entry of entries) fragment.appendChild(this.row(entry));
            const before = this.container.scrollHeight;
            this.container.insertBefore(fragment, this.container.firstChild);
            this.container.scrollTop += this.container.scrollHeight - before;
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
        renderMessage,
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
