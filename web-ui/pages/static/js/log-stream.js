/**
 * QuaeroLogs: live job and service logs over Server-Sent Events, for any page.
 *
 * No framework, no build step. The Alpine components in log-components.js are thin layers on top.
 *
 * How a stream stays exact:
 *  - every log entry carries a cursor ("partition-offset" in Kafka); the stream remembers the last
 *    one and ignores anything at or before it, so a replay after a reconnect never duplicates;
 *  - the browser's own EventSource reconnect sends Last-Event-ID (the last cursor), and the
 *    gateway resumes exactly after it; when the gateway refuses the connection (503 when full)
 *    the browser gives up, so the stream reopens it itself, once, after a back-off, with since=;
 *  - a `reset` event (the client fell behind, the gateway's buffer overflowed) names the cursor to
 *    resume from; a cursor the gateway cannot serve any more means starting again from the newest;
 *  - a watchdog re-armed by every event (ping included) fetches over plain HTTP with since= only
 *    after fallbackTimeoutMs of silence. There is no polling while the stream is healthy.
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
     * Creates a stream of a job's log (not yet connected).
     * @param {string} endpoint SSE endpoint, e.g. `/api/jobs/${id}/logs/stream`
     * @param {Object} [options] overrides of the defaults
     * @returns {LogStream}
     */
    function createStream(endpoint, options = {}) {
        return new LogStream(endpoint, { ...defaults, ...options });
    }

    /**
     * Creates the service-logs stream. Where the browser has Web Locks and BroadcastChannel, the
     * tabs of this origin share one EventSource: one tab (the holder of a lock) streams and relays
     * to the others, and another takes over when it closes. So each extra tab costs one connection
     * (its job stream) instead of two, and six tabs fit HTTP/1.1's six connections per origin.
     * @param {Object} [options] overrides of the defaults; `shared: false` opts out of sharing
     * @returns {LogStream|SharedServiceStream}
     */
    function createServiceStream(options = {}) {
        const merged = { ...defaults, ...options, isServiceLog: true };
        const canShare = typeof BroadcastChannel !== 'undefined'
            && typeof navigator !== 'undefined' && navigator.locks;
        if (merged.shared !== false && canShare) {
            return new SharedServiceStream(SERVICE_ENDPOINT, merged);
        }
        return new LogStream(SERVICE_ENDPOINT, merged);
    }

    /**
     * The query string of a stream or fetch: only the filters that are set.
     * @param {{limit?: number|string, stepId?: string, level?: string, search?: string,
     *          since?: string, before?: string}} filters
     * @returns {string} e.g. `limit=100&step=extract&level=warn`
     */
    function buildQueryParams(filters) {
        const params = new URLSearchParams();
        const set = (name, value) => {
            if (value !== undefined && value !== null && String(value).trim() !== '') {
                params.set(name, String(value).trim());
            }
        };
        set('limit', filters.limit);
        set('step', filters.stepId);
        set('level', filters.level);
        set('q', filters.search);
        set('since', filters.since);
        set('before', filters.before);
        return params.toString();
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
     * One live log: the EventSource, the bounded buffer of entries, counts, status and steps.
     *
     * Callbacks (assign functions): onLogs(batch) once per animation frame with the entries that
     * arrived since the last call (batch.entries, batch.replaced: true after a restart), onStatus(data),
     * onConnect(), onDisconnect(), onReset(payload), onError(error).
     */
    class LogStream {
        /**
         * @param {string} endpoint SSE endpoint
         * @param {Object} options see defaults
         */
        constructor(endpoint, options) {
            this.endpoint = endpoint;
            this.options = { ...defaults, ...options };
            this.eventSource = null;
            this.filters = {};
            this.logs = [];
            this.totalCount = 0;
            this.displayedCount = 0;
            this.status = null;
            this.steps = [];
            this.connected = false;
            this.lastCursor = null;
            /** Entries dropped from the front of the buffer to keep it within maxBufferSize. */
            this.trimmed = 0;
            /** Whether older entries than the first in the buffer exist (for "show earlier lines"). */
            this.hasEarlier = false;
            this.lastEventTime = 0;
            this.watchdog = null;
            this.reopenTimer = null;
            this.reconnectDelay = this.options.reconnectDelayMs;
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
        }

        /**
         * Opens the stream with these filters, from the newest `limit` entries.
         * @param {Object} [filters] stepId, level, search, limit
         */
        connect(filters = {}) {
            this.generation++;
            this.filters = { ...filters };
            this.open(null);
        }

        /**
         * Starts again with new filters: the buffer is emptied, the newest entries are fetched.
         * @param {Object} [filters]
         */
        reconnect(filters = this.filters) {
            this.clear();
            this.connect(filters);
        }

        /** Closes the EventSource and every timer; nothing of this stream runs afterwards. */
        disconnect() {
            this.generation++;
            this.closeEventSource();
            clearTimeout(this.watchdog);
            clearTimeout(this.reopenTimer);
            cancelFrame(this.frame);
            this.watchdog = this.reopenTimer = this.frame = null;
            this.setConnected(false);
        }

        /** Empties the buffer and the counts (the stream stays open). */
        clear() {
            this.logs = [];
            this.pending = [];
            this.totalCount = 0;
            this.displayedCount = 0;
            this.trimmed = 0;
            this.hasEarlier = false;
            this.lastCursor = null;
            this.pendingReplaced = true;
        }

        /** @returns {Object} a snapshot for UI frameworks */
        getState() {
            return {
                logs: this.logs,
                totalCount: this.totalCount,
                displayedCount: this.displayedCount,
                status: this.status,
                steps: this.steps,
                connected: this.connected,
            };
        }

        /**
         * Fetches up to `limit` entries before the first one in the buffer and puts them in front.
         * @returns {Promise<number>} how many were added
         */
        async loadEarlier() {
            const first = this.logs[0];
            if (!first) return 0;
            const generation = this.generation;
            const data = await this.fetchJson({ ...this.filters, before: first.cursor });
            if (generation !== this.generation) return 0;
            let older = data.logs.filter((e) => compareCursors(e.cursor, first.cursor) < 0);
            // Bounded: at most one page over maxBufferSize while reading back (live lines trim
            // it); what does not fit stays "earlier".
            const room = this.options.maxBufferSize + Number(this.filters.limit || this.options.limit) - this.logs.length;
            const cut = older.length > Math.max(0, room);
            if (cut) older = older.slice(older.length - Math.max(0, room));
            this.logs = older.concat(this.logs);
            this.hasEarlier = cut || data.meta.has_more;
            this.applyMeta(data.meta);
            return older.length;
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

        open(since) {
            this.closeEventSource();
            clearTimeout(this.reopenTimer);
            this.reopenTimer = null;
            const query = buildQueryParams({ limit: this.options.limit, ...this.filters, since: since ?? undefined });
            const url = query ? `${this.endpoint}?${query}` : this.endpoint;
            const source = new EventSource(url);
            this.eventSource = source;
            source.addEventListener('logs', (e) => this.handleLogs(JSON.parse(e.data)));
            source.addEventListener('status', (e) => this.handleStatus(JSON.parse(e.data)));
            source.addEventListener('ping', () => this.heard());
            source.addEventListener('reset', (e) => this.handleReset(JSON.parse(e.data)));
            source.onopen = () => {
                this.reconnectDelay = this.options.reconnectDelayMs;
                this.heard();
                this.setConnected(true);
            };
            source.onerror = () => {
                this.setConnected(false);
                // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: it gave up
                // (an HTTP error such as 503 when the gateway is full): reopen once, later.
                if (source.readyState === 2 && this.eventSource === source) {
                    this.scheduleReopen();
                }
            };
            this.armWatchdog();
        }

        closeEventSource() {
            if (this.eventSource) {
                this.eventSource.close();
                this.eventSource = null;
            }
        }

        scheduleReopen() {
            clearTimeout(this.reopenTimer);
            const delay = this.reconnectDelay * (0.5 + Math.random());
            this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.maxReconnectDelayMs);
            this.reopenTimer = setTimeout(() => {
                this.reopenTimer = null;
                this.open(this.lastCursor);
            }, delay);
        }

        heard() {
            this.lastEventTime = Date.now();
            this.armWatchdog();
        }

        /** One timeout, re-armed by every event; it only fires after a silence. */
        armWatchdog() {
            clearTimeout(this.watchdog);
            this.watchdog = setTimeout(() => this.silence(), this.options.fallbackTimeoutMs);
        }

        /**
         * fallbackTimeoutMs without any event: fetch what was missed, then reopen the stream, unless
         * a reopen is already scheduled (the gateway refused us: keep its back-off).
         */
        async silence() {
            this.watchdog = null;
            const generation = this.generation;
            await this.fetchViaApi();
            if (generation !== this.generation) return;
            if (this.reopenTimer !== null) {
                this.armWatchdog();
            } else {
                this.open(this.lastCursor);
            }
        }

        handleLogs(data) {
            this.heard();
            const fresh = this.lastCursor === null
                ? data.logs
                : data.logs.filter((e) => compareCursors(e.cursor, this.lastCursor) > 0);
            if (this.logs.length === 0 && this.lastCursor === null) {
                this.hasEarlier = Boolean(data.meta?.has_more);
            }
            if (fresh.length > 0) {
                this.lastCursor = fresh[fresh.length - 1].cursor;
                this.logs.push(...fresh);
                const over = this.logs.length - this.options.maxBufferSize;
                if (over > 0) {
                    this.logs.splice(0, over);
                    this.trimmed += over;
                    this.hasEarlier = true;
                }
                this.pending.push(...fresh);
                if (this.pending.length > this.options.maxBufferSize) {
                    this.pending.splice(0, this.pending.length - this.options.maxBufferSize);
                }
            }
            this.applyMeta(data.meta);
            this.scheduleRender();
        }

        applyMeta(meta) {
            if (meta) {
                this.totalCount = meta.total_count;
                this.displayedCount = meta.displayed_count;
            }
        }

        handleStatus(data) {
            this.heard();
            this.status = data.job || data.service || null;
            if (Array.isArray(data.steps)) this.steps = data.steps;
            this.onStatus?.(data);
        }

        handleReset(payload) {
            this.onReset?.(payload);
            if (startsOver(payload)) {
                this.clear();
                this.open(null);
            } else {
                this.open(payload.cursor);
            }
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
     * The service-logs stream shared by the tabs of one origin. Same interface as LogStream.
     * The tab holding the Web Lock `quaero-service-logs` runs a real LogStream and relays every
     * payload on the BroadcastChannel `quaero-service-logs`; the others apply what it relays. A
     * new tab asks for a snapshot; a filter change in any tab applies to all (it is one stream).
     */
    class SharedServiceStream extends LogStream {
        constructor(endpoint, options) {
            super(endpoint, options);
            this.leader = null;
            this.channel = null;
            this.abort = null;
            this.releaseLock = null;
        }

        connect(filters = {}) {
            this.filters = { ...filters };
            if (this.channel) {
                this.post({ type: 'filters', filters: this.filters });
                this.leader?.reconnect(this.filters);
                return;
            }
            this.channel = new BroadcastChannel('quaero-service-logs');
            this.channel.onmessage = (e) => this.receive(e.data);
            this.post({ type: 'hello' });
            this.abort = new AbortController();
            navigator.locks.request('quaero-service-logs', { signal: this.abort.signal }, () => this.lead())
                .catch(() => { /* aborted: this tab closed before it became the leader */ });
            this.armWatchdog();
        }

        reconnect(filters = this.filters) {
            this.clear();
            this.connect(filters);
        }

        disconnect() {
            this.abort?.abort();
            this.releaseLock?.();
            this.leader?.disconnect();
            this.leader = null;
            this.channel?.close();
            this.channel = null;
            clearTimeout(this.watchdog);
            cancelFrame(this.frame);
            this.watchdog = this.frame = null;
            this.setConnected(false);
        }

        /** Holds the lock (and the one EventSource) until this tab disconnects or closes. */
        lead() {
            const stream = new LogStream(this.endpoint, this.options);
            this.leader = stream;
            clearTimeout(this.watchdog);
            stream.handleLogs = ((original) => (data) => {
                original.call(stream, data);
                this.post({ type: 'logs', data });
                this.handleLogs(data);
            })(stream.handleLogs);
            stream.handleStatus = (data) => {
                stream.heard();
                this.post({ type: 'status', data });
                this.handleStatus(data);
            };
            // Every event the leader hears (pings too) keeps the followers' watchdogs quiet.
            stream.heard = ((original) => () => {
                original.call(stream);
                this.post({ type: 'alive' });
            })(stream.heard);
            stream.onConnect = () => { this.post({ type: 'state', connected: true }); this.setConnected(true); };
            stream.onDisconnect = () => { this.post({ type: 'state', connected: false }); this.setConnected(false); };
            stream.onReset = (payload) => {
                this.onReset?.(payload);
                if (startsOver(payload)) {
                    // The leader starts again from the newest lines: so does every tab.
                    this.post({ type: 'restart' });
                    this.restart();
                }
            };
            stream.filters = { ...this.filters };
            // Resume where this tab's view ends, so taking over leaves no gap and no repeat.
            stream.lastCursor = this.lastCursor;
            stream.open(this.lastCursor);
            return new Promise((resolve) => { this.releaseLock = resolve; });
        }

        receive(message) {
            switch (message.type) {
                case 'hello':
                    if (this.leader) {
                        this.post({ type: 'snapshot', logs: this.logs.slice(-this.options.limit * 2),
                            meta: { total_count: this.totalCount, displayed_count: this.displayedCount },
                            connected: this.connected, filters: this.filters });
                    }
                    break;
                case 'snapshot':
                    if (!this.leader && this.logs.length === 0) {
                        this.filters = { ...message.filters };
                        this.handleLogs({ logs: message.logs, meta: message.meta });
                        this.setConnected(message.connected);
                    }
                    break;
                case 'logs':
                    if (!this.leader) this.handleLogs(message.data);
                    break;
                case 'status':
                    if (!this.leader) this.handleStatus(message.data);
                    break;
                case 'state':
                    if (!this.leader) {
                        this.setConnected(message.connected);
                        this.armWatchdog();
                    }
                    break;
                case 'alive':
                    if (!this.leader) this.armWatchdog();
                    break;
                case 'restart':
                    if (!this.leader) this.restart();
                    break;
                case 'filters':
                    this.filters = { ...message.filters };
                    this.clear();
                    this.scheduleRender();
                    this.onFilters?.(this.filters);
                    this.leader?.reconnect(this.filters);
                    break;
                default:
                    break;
            }
        }

        /** Empties this tab's view; the leader's stream refills it from the newest lines. */
        restart() {
            this.clear();
            this.scheduleRender();
        }

        /**
         * A follower that hears nothing for fallbackTimeoutMs fetches what it missed itself (the
         * leader tab may be frozen in the background); the leader's own stream has its watchdog.
         */
        async silence() {
            this.watchdog = null;
            if (!this.leader) {
                await this.fetchViaApi();
                this.armWatchdog();
            }
        }

        handleLogs(data) {
            super.handleLogs(data);
            if (this.leader) clearTimeout(this.watchdog);
        }

        post(message) {
            try {
                this.channel?.postMessage(message);
            } catch (error) {
                this.onError?.(error);
            }
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
        createStream,
        createServiceStream,
        buildQueryParams,
        formatTimestamp,
        levelClass,
        compareCursors,
        ansiSegments,
        renderMessage,
        LogStream,
        SharedServiceStream,
        LogView,
    };
})();

if (typeof module !== 'undefined' && module.exports) {
    module.exports = QuaeroLogs;
}
