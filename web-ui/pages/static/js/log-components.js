/**
 * Alpine.js components of the Quaero pages, thin layers over QuaeroLogs (log-stream.js):
 *  - jobLogViewer(jobId): a job's status, times, steps and whole log (QuaeroLogs.LogViewer), with
 *    server-side filters, find, errors, line links, follow/pause and keyboard shortcuts;
 *  - serviceLogViewer(options): the service-logs panel on every page (or the full-page view);
 *  - jobsList(): the jobs table, kept live by the job-status feed, and the run-a-job form;
 *  - signIn(): the sign-in page's form; session(): the signed-in user's sign-out button.
 *
 * Log rows are rendered by the library (QuaeroLogs.LogViewer on a job page: only the rows on
 * screen; QuaeroLogs.LogView for the service logs: a bounded window), not by x-for: at thousands
 * of lines a second, a reactive list would freeze the page. Alpine drives everything around the rows.
 *
 * The pages run Alpine's CSP build under `script-src 'self'` (no eval): it reads templates'
 * expressions with its own small parser, not `new Function`, and refuses globals. So the
 * components are registered with Alpine.data (bottom of this file), and templates hold only
 * property paths and method calls; every condition, fallback, label and style is a getter or a
 * method here. Styles are objects (Alpine applies them through the CSSOM, which CSP allows; a
 * style string would be an inline style attribute, which it refuses).
 */

/** Status changes the jobs list holds while it fetches a page; beyond, it fetches again. */
const MAX_HELD_CHANGES = 1000;

/** Milliseconds a search box waits after the last keystroke before the stream reconnects. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * Most rows the full-page service-logs view keeps in the DOM (the panel: 500); older ones stay in
 * the stream's buffer. Layout of the rows is most of a busy page's work, and it grows with this
 * number (see docs/BENCHMARKS.md). The job page keeps only the rows on screen (QuaeroLogs.LogViewer).
 */
const MAX_DOM_ROWS = 1000;

/** Statuses after which a job does nothing more. */
const FINISHED = ['completed', 'failed', 'cancelled'];

/** `42%` from a progress that may be missing. */
function percent(progress) {
    return `${progress || 0}%`;
}

/**
 * What both log viewers (a job's, the service logs') show around their rows: the connection
 * indicator and the "jump to latest" button. Added as getters by logView(), since spreading an
 * object of getters would copy their values once instead.
 */
const LOG_VIEW_GETTERS = Object.getOwnPropertyDescriptors({
    get connectionClass() { return { connected: this.connected }; },
    get connectionText() { return this.connected ? 'Live' : 'Disconnected'; },
    get awayFromBottom() { return !this.atBottom; },
});

/** The component, with LOG_VIEW_GETTERS. */
function logView(component) {
    return Object.defineProperties(component, LOG_VIEW_GETTERS);
}

/**
 * Calls fn(value) once typing has paused for SEARCH_DEBOUNCE_MS; cancel() drops a pending call.
 * @param {function(string)} fn
 */
function debounced(fn) {
    let timer = null;
    return {
        call(value) {
            clearTimeout(timer);
            timer = setTimeout(() => fn(value), SEARCH_DEBOUNCE_MS);
        },
        cancel() {
            clearTimeout(timer);
        },
    };
}

/**
 * Reads a JSON response; a non-2xx answer becomes an Error carrying the API's message.
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function jsonOrError(response) {
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
        // The session is gone: sign in again, then come back here.
        QuaeroLogs.signInAgain('signed-out');
    }
    if (!response.ok) {
        throw new Error(body.message || `HTTP ${response.status}`);
    }
    return body;
}

/** Entries a range read asks for: one page of the viewer's cache. */
const RANGE_PAGE = 200;

/** What a page remembers of the reader's choices, in localStorage. */
const PREFERENCES = 'quaero.viewer.';

function preference(key, fallback) {
    try {
        return localStorage.getItem(PREFERENCES + key) ?? fallback;
    } catch {
        return fallback;
    }
}

function remember(key, value) {
    try {
        localStorage.setItem(PREFERENCES + key, String(value));
    } catch { /* private mode: the choice simply is not kept */ }
}

/** True when a key press belongs to a text field, not to the page's shortcuts. */
function typing(event) {
    const tag = event.target?.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || event.target?.isContentEditable;
}

/** The keyboard shortcuts, as the help overlay lists them. */
const SHORTCUTS = [
    { keys: '/', what: 'Find in the log' },
    { keys: 'Enter / Shift+Enter', what: 'Next / previous match (in the find box)' },
    { keys: 'n / N', what: 'Next / previous match' },
    { keys: 'e / E', what: 'Next / previous error' },
    { keys: 'g / G', what: 'First line / last line' },
    { keys: 'f, Space, End', what: 'Follow new lines / pause' },
    { keys: 'w', what: 'Wrap long lines' },
    { keys: 't', what: 'Timestamps: clock, UTC, since start, since previous line' },
    { keys: '↑ / ↓, Enter', what: 'Move between lines, select one (in the log)' },
    { keys: 'Shift+click a line number', what: 'Select a range of lines (the URL links to it)' },
    { keys: '?', what: 'This help; Esc closes it' },
];

const TIMESTAMP_LABELS = { local: 'Clock', utc: 'UTC', elapsed: 'Since start', delta: 'Since previous' };

/** Writes text to the clipboard (a secure context); without it, through a hidden text field. */
async function copyText(text) {
    if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        return;
    }
    const area = document.createElement('textarea');
    area.value = text;
    area.className = 'sr-only';
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
}

/**
 * The log of one job. Usage: `<main x-data="jobLogViewer('job-uuid')">`.
 *
 * The log is a QuaeroLogs.LogViewer: the whole stored log as one list, read by range as the reader
 * scrolls, with the live stream writing its tail; the DOM holds only the rows on screen. Around
 * it: the job's status, times and steps (a strip: click to jump to a step, filter or fold it),
 * filters (step, level; a search that highlights and counts matches over the whole log, or shows
 * only them), errors one key away, timestamps, wrap, follow/pause, line links, the view in the
 * URL, keyboard shortcuts, a screen-reader announcement of new lines, and an opt-in notification
 * when the job ends.
 * @param {string} jobId
 */
function jobLogViewer(jobId) {
    let stream = null;
    let viewer = null;
    let announcer = null;
    let search = null;
    let clock = null;
    let onKey = null;
    let onVisibility = null;
    let onHash = null;
    /** Lines in the view when the reader last looked (left the bottom, or the tab): the divider goes there. */
    let leftAt = null;
    /** A linked line not stored yet when the link was opened: shown when the stream brings it. */
    let pendingLine = null;
    /** Bumped by each error count: an answer for an earlier view is dropped. */
    let counting = 0;
    /** Find and error moves, one after the other: `n n` goes two matches on, not twice to the same. */
    let navigation = Promise.resolve();
    const api = `/api/jobs/${jobId}`;
    const initial = QuaeroLogs.readViewState(location.href);
    return logView({
        jobId,
        job: null,
        jobStatus: null,
        progress: null,
        startedAt: null,
        finishedAt: null,
        steps: [],
        connected: false,
        totalCount: 0,
        displayedCount: 0,
        atBottom: true,
        newWhileAway: 0,
        cancelling: false,
        rerunning: false,
        error: '',
        notice: '',
        searchInput: initial.search,
        filters: { stepId: initial.stepId, level: initial.level, search: initial.search, only: initial.only },
        selection: initial.lines,
        findTotal: null,
        findIndex: -1,
        currentMatch: null,
        errorCount: 0,
        warningCount: 0,
        /** The next batch is the first of a (re)connected stream: the server counts errors up to its last line. */
        countPending: true,
        currentError: null,
        folded: [],
        timestamps: QuaeroLogs.TIMESTAMP_MODES.includes(preference('timestamps', 'local')) ? preference('timestamps', 'local') : 'local',
        wrap: preference('wrap', 'false') === 'true',
        helpOpen: false,
        notifyWhenDone: false,
        now: Date.now(),
        shortcuts: SHORTCUTS,
        timestampModes: QuaeroLogs.TIMESTAMP_MODES,

        init() {
            const loaded = fetch(api).then(jsonOrError).then((job) => {
                this.job = job;
                this.jobStatus ??= job.status;
                this.progress ??= job.progress;
                this.startedAt ??= job.started_at ?? null;
                this.finishedAt ??= job.finished_at ?? null;
                if (this.steps.length === 0) this.steps = job.steps || [];
                return job;
            }).catch((e) => { this.error = e.message; return null; });

            viewer = new QuaeroLogs.LogViewer(this.$refs.logContainer, {
                idPrefix: 'log',
                fetchRange: (from, count, signal) => fetch(`${api}/logs/range?${this.viewQuery({ from, count })}`,
                    { signal, headers: { Accept: 'application/json' } }).then(jsonOrError),
                onFollowChange: (following) => this.followChanged(following),
                onSelect: (lines) => this.selectLines(lines),
                onCopy: (kind, entry) => this.copy(kind, entry),
                onFoldToggle: (fold) => this.unfold(fold.stepId),
                onError: (e) => { this.error = `Could not load lines (${e.message}); scroll to try again.`; },
            });
            viewer.reset(this.unfilteredView);
            viewer.set({ timestamps: this.timestamps, selection: this.selection, term: this.filters.search });
            announcer = new QuaeroLogs.Announcer(this.$refs.announcer);

            stream = QuaeroLogs.createStream(`${api}/logs/stream`, {
                limit: RANGE_PAGE,
                maxBufferSize: RANGE_PAGE * 5,
                // A search in a long log: the stream counts its newest lines only, the server the whole log.
                countBefore: (entry) => fetch(`${api}/logs/matches?${this.viewQuery({ before: entry.line, limit: 0 })}`)
                    .then(jsonOrError).then((found) => found.index),
            });
            stream.onLogs = (batch) => this.render(batch);
            stream.onStatus = (data) => {
                // A busy job sends a status per percent of progress: only what changed is touched
                // (a new jobStart redraws every row; new steps redraw the strip).
                if (data.job) {
                    this.jobStatus = data.job.status;
                    if (data.job.progress !== undefined && data.job.progress !== null) this.progress = data.job.progress;
                    this.finishedAt = data.job.finished_at ?? null;
                    if ((data.job.started_at ?? this.startedAt) !== this.startedAt) {
                        this.startedAt = data.job.started_at;
                        viewer.set({ jobStart: this.startedAt });
                    }
                    if (this.finished) this.jobEnded();
                }
                if (JSON.stringify(stream.steps) !== JSON.stringify(this.steps)) this.steps = stream.steps;
                this.tick();
            };
            stream.onConnect = () => { this.connected = true; this.error = ''; };
            stream.onDisconnect = () => { this.connected = false; };
            stream.onError = (e) => { this.error = `Live stream interrupted (${e.message}); reconnecting…`; };
            // A reset the user must hear of (an admin deleted the logs shown): said until the page is left.
            stream.onReset = (payload) => {
                const message = QuaeroWire.disconnects[payload.reason]?.message;
                if (message) this.notice = message;
            };
            // The job's partition routes its stream at a balancer (deploy/nginx): connect once known.
            loaded.then((job) => {
                stream.options.partition = job?.partition ?? null;
                stream.connect(this.streamFilters);
                viewer.set({ jobStart: this.startedAt ?? job?.created_at ?? null });
                if (this.selection) this.goToLine(this.selection.from);
                // A linked line wins over the first match: the search only counts and highlights then.
                if (this.filters.search) this.find(!this.selection);
                this.tick();
            });

            this.$watch('filters.stepId', () => this.viewChanged());
            this.$watch('filters.level', () => this.viewChanged());
            this.$watch('filters.only', () => {
                if (this.filters.search) this.viewChanged();
                else this.writeUrl();
            });
            this.$watch('filters.search', () => {
                if (this.filters.only) this.viewChanged();
                else this.find(true);
            });
            this.$watch('wrap', (wrap) => {
                remember('wrap', wrap);
                viewer.set({});
            });
            this.$watch('timestamps', (mode) => {
                remember('timestamps', mode);
                viewer.set({ timestamps: mode });
            });
            search = debounced((value) => { this.filters.search = value.trim(); });
            this.$watch('searchInput', (value) => search.call(value));
            this.$watch('statusTitle', (title) => { document.title = title; });
            document.title = this.statusTitle;

            onKey = (e) => this.shortcut(e);
            document.addEventListener('keydown', onKey);
            onVisibility = () => {
                if (document.hidden) this.leave();
                else if (viewer.following) this.comeBack();
            };
            document.addEventListener('visibilitychange', onVisibility);
            // A link to other lines of this page (edited, or back and forth in history): go there.
            onHash = () => {
                const lines = QuaeroLogs.parseLineHash(location.hash);
                if (lines && (lines.from !== this.selection?.from || lines.to !== this.selection?.to)) {
                    this.selectLines(lines);
                    this.goToLine(lines.from);
                }
            };
            window.addEventListener('hashchange', onHash);
            window.addEventListener('pagehide', () => this.destroy());
        },

        destroy() {
            search?.cancel();
            stream?.disconnect();
            viewer?.destroy();
            announcer?.destroy();
            clearTimeout(clock);
            document.removeEventListener('keydown', onKey);
            document.removeEventListener('visibilitychange', onVisibility);
            window.removeEventListener('hashchange', onHash);
        },

        // ------------------------------------------------------------ the view

        /** The filter of the list: step and level, and the search when only matching lines show. */
        get streamFilters() {
            return {
                stepId: this.filters.stepId,
                level: this.filters.level,
                search: this.filters.only ? this.filters.search : '',
            };
        },

        get unfilteredView() {
            const f = this.streamFilters;
            return !f.stepId && !f.level && !f.search;
        },

        /** The query of a range or matches read: the view's filter plus `extra`. */
        viewQuery(extra = {}, filters = this.streamFilters) {
            const query = new URLSearchParams(QuaeroLogs.buildQueryParams(filters));
            for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
            return query.toString();
        },

        /** Another filter: a new list from the newest lines, the URL says so. */
        viewChanged() {
            viewer.reset(this.unfilteredView);
            this.folded = [];
            this.newWhileAway = 0;
            leftAt = null;
            this.countPending = true;
            pendingLine = null;
            stream.reconnect(this.streamFilters);
            viewer.set({ term: this.filters.search });
            this.find(false);
            this.writeUrl();
        },

        /** The view as the URL's query and fragment, so a copied link opens it again. */
        writeUrl() {
            const href = QuaeroLogs.viewStateHref(location.pathname, { ...this.filters, lines: this.selection });
            if (href !== location.pathname + location.search + location.hash) history.replaceState(null, '', href);
        },

        /** One animation frame's worth of new entries. */
        render(batch) {
            if (batch.replaced) viewer.reset(this.unfilteredView);
            viewer.live(batch.entries, stream.displayedCount);
            this.totalCount = stream.totalCount;
            this.displayedCount = stream.displayedCount;
            if (batch.replaced) this.countPending = true;
            let counted = batch.entries;
            if (this.countPending && stream.snapshotLine !== null) {
                // The stream began with what storage held, up to snapshotLine: the server counts the
                // errors up to there; what came after is counted here. Nothing of it is new to a
                // reader who already looks elsewhere (a linked line).
                this.countPending = false;
                if (leftAt !== null) leftAt = viewer.total;
                const upTo = stream.snapshotLine;
                this.errorCount = 0;
                this.warningCount = 0;
                this.countErrors(upTo + 1);
                counted = batch.entries.filter((e) => e.line > upTo);
            } else if (!viewer.following) {
                this.newWhileAway += batch.entries.length;
            }
            // Counted here as long as the stream carries every line of those levels.
            const level = this.streamFilters.level;
            for (const e of this.streamFilters.search ? [] : counted) {
                if (e.level === 'error' || e.level === 'fatal') this.errorCount++;
                else if (e.level === 'warn' && level !== 'error' && level !== 'fatal') this.warningCount++;
            }
            if (pendingLine !== null) {
                // The linked line came live (or, in a filtered view, the first after it); or the
                // stream began after storage had it, and it is read like any other.
                const line = pendingLine;
                const hit = batch.entries.find((e) => e.line >= line && Number.isInteger(e.position));
                if (hit && (hit.line === line || !this.unfilteredView)) {
                    pendingLine = null;
                    viewer.scrollToIndex(hit.position);
                } else if (stream.snapshotLine !== null && stream.snapshotLine >= line) {
                    this.goToLine(line);
                }
            }
            announcer.add(batch.entries);
        },

        followChanged(following) {
            this.atBottom = following;
            if (following) {
                this.newWhileAway = 0;
                this.comeBack();
            } else {
                this.leave();
            }
        },

        /** The reader stops watching the newest lines: what arrives from now on is new to them. */
        leave() {
            if (leftAt === null) leftAt = viewer.total;
        },

        /** Back at the newest lines: a divider marks where they left, if anything came since. */
        comeBack() {
            if (leftAt !== null && viewer.total > leftAt) viewer.set({ divider: leftAt });
            leftAt = null;
        },

        follow() {
            viewer.follow();
        },

        pause() {
            viewer.pause();
        },

        toggleFollow() {
            if (viewer.following) this.pause();
            else this.follow();
        },

        get following() {
            return this.atBottom;
        },

        get followLabel() {
            return this.atBottom ? 'Following' : 'Paused';
        },

        get followTitle() {
            return this.atBottom ? 'Pause: keep these lines on screen (f, Space)' : 'Follow new lines (f, Space, End)';
        },

        /**
         * "N new lines": shows the first line that came since the reader left, under the divider,
         * so they read on from there (reaching the bottom follows again); nothing new: follow.
         */
        jumpToLatest() {
            if (leftAt !== null && viewer.total > leftAt) {
                const first = leftAt;
                leftAt = null;
                this.newWhileAway = 0;
                viewer.set({ divider: first });
                viewer.scrollToIndex(first);
            } else {
                this.follow();
            }
        },

        toTop() {
            viewer.scrollToIndex(0, 0);
        },

        // ------------------------------------------------------------ lines and links

        /**
         * Shows a line (loading it if needed), a third down the screen. A line not stored yet (a
         * link opened while the job runs and ingest catches up) is shown when the stream brings it.
         */
        async goToLine(line) {
            pendingLine = null;
            if (this.showLoaded(line)) return;
            try {
                const data = await fetch(`${api}/logs/range?${this.viewQuery({ line, count: RANGE_PAGE })}`).then(jsonOrError);
                viewer.put(data.from, data.logs, data.meta.displayed_count);
                if (data.logs.length === 0 && !this.showLoaded(line)) pendingLine = line;
                viewer.scrollToIndex(data.from);
            } catch (e) {
                this.error = e.message;
            }
        },

        /** Shows the line if the list holds it already (the live stream may have brought it). */
        showLoaded(line) {
            const index = viewer.indexOfLine(line);
            if (index === null || viewer.entry(index)?.line !== line) return false;
            viewer.scrollToIndex(index);
            return true;
        },

        selectLines(lines) {
            this.selection = lines;
            viewer.set({ selection: lines });
            this.writeUrl();
        },

        async copy(kind, entry) {
            const text = kind === 'link'
                ? new URL(QuaeroLogs.viewStateHref(location.pathname, { ...this.filters, lines: { from: entry.line, to: entry.line } }), location.href).href
                : QuaeroLogs.plainText(entry.message);
            try {
                await copyText(text);
                this.notice = kind === 'link' ? `Link to line ${entry.line} copied` : `Line ${entry.line} copied`;
            } catch (e) {
                this.notice = `Could not copy: ${e.message}`;
            }
        },

        // ------------------------------------------------------------ find

        /**
         * Counts the search's matches over the whole stored log (the server counts) and, with
         * `jump`, goes to the first at or after the top of the screen.
         */
        async find(jump) {
            const term = this.filters.search;
            viewer.set({ term, current: null });
            this.currentMatch = null;
            this.findIndex = -1;
            this.writeUrl();
            if (!term) {
                this.findTotal = null;
                return;
            }
            const from = Math.max(0, (viewer.firstVisibleLine() ?? 1) - 1);
            await this.matchFrom({ after: jump ? from : 0 }, jump);
        },

        findNext() {
            return this.moveMatch(1);
        },

        findPrevious() {
            return this.moveMatch(-1);
        },

        findKey(event) {
            return event.shiftKey ? this.findPrevious() : this.findNext();
        },

        /** Moves to the next or previous match; presses in quick succession move one after the other. */
        moveMatch(direction) {
            navigation = navigation.then(() => {
                if (!this.filters.search) return null;
                const here = this.currentMatch ?? viewer.firstVisibleLine() ?? 0;
                return this.matchFrom(direction > 0 ? { after: here } : { before: Math.max(1, here) }, true);
            });
            return navigation;
        },

        /** One matches read (search within step and level); goes to the match it names. */
        async matchFrom(where, jump) {
            const term = this.filters.search;
            const filters = { stepId: this.filters.stepId, level: this.filters.level, search: term };
            try {
                const found = await fetch(`${api}/logs/matches?${this.viewQuery({ ...where, limit: 1 }, filters)}`).then(jsonOrError);
                if (term !== this.filters.search) return;
                this.findTotal = found.total;
                if (found.lines.length === 0) {
                    if (jump && found.total > 0) this.notice = where.after !== undefined ? 'No more matches below' : 'No more matches above';
                    return;
                }
                if (!jump) return;
                this.findIndex = found.index;
                this.currentMatch = found.lines[0];
                viewer.set({ current: this.currentMatch });
                this.goToLine(this.currentMatch);
            } catch (e) {
                this.error = e.message;
            }
        },

        get findText() {
            if (this.findTotal === null) return '';
            if (this.findTotal === 0) return 'No matches';
            return this.findIndex >= 0 ? `${(this.findIndex + 1).toLocaleString()} of ${this.findTotal.toLocaleString()}`
                : `${this.findTotal.toLocaleString()} ${this.findTotal === 1 ? 'match' : 'matches'}`;
        },

        // ------------------------------------------------------------ errors

        /**
         * Error and warning lines of the view's step before `beforeLine`, counted by the server
         * (the stream counts the ones after it as they come, and they add up).
         */
        async countErrors(beforeLine) {
            const filters = { stepId: this.filters.stepId };
            const generation = ++counting;
            try {
                const [errors, warnPlus] = await Promise.all(['error', 'warn'].map((level) =>
                    fetch(`${api}/logs/matches?${this.viewQuery({ before: beforeLine, limit: 0 }, { ...filters, level })}`)
                        .then(jsonOrError)));
                // Another view's count began meanwhile: this one is stale.
                if (generation !== counting) return;
                this.errorCount += errors.index;
                this.warningCount += warnPlus.index - errors.index;
            } catch (e) {
                this.error = e.message;
            }
        },

        firstError() {
            return this.errorFrom({ after: 0 });
        },

        nextError() {
            navigation = navigation.then(() => this.errorFrom({ after: this.currentError ?? viewer.firstVisibleLine() ?? 0 }));
            return navigation;
        },

        previousError() {
            navigation = navigation.then(() => this.errorFrom({ before: Math.max(1, this.currentError ?? viewer.firstVisibleLine() ?? 1) }));
            return navigation;
        },

        async errorFrom(where) {
            try {
                const found = await fetch(`${api}/logs/matches?${this.viewQuery({ ...where, limit: 1 },
                    { stepId: this.filters.stepId, level: 'error' })}`).then(jsonOrError);
                if (found.lines.length === 0) {
                    this.notice = found.total === 0 ? 'No errors' : where.after !== undefined ? 'No more errors below' : 'No more errors above';
                    return;
                }
                this.currentError = found.lines[0];
                this.selectLines({ from: this.currentError, to: this.currentError });
                this.goToLine(this.currentError);
            } catch (e) {
                this.error = e.message;
            }
        },

        get errorText() {
            return `${this.errorCount.toLocaleString()} ${this.errorCount === 1 ? 'error' : 'errors'}`;
        },

        get warningText() {
            return `${this.warningCount.toLocaleString()} ${this.warningCount === 1 ? 'warning' : 'warnings'}`;
        },

        get noErrors() {
            return this.errorCount === 0;
        },

        // ------------------------------------------------------------ steps

        /** Jumps to a step's first line in the current view. */
        async jumpToStep(step) {
            try {
                const found = await fetch(`${api}/logs/matches?${this.viewQuery({ limit: 1 }, { stepId: step.id })}`).then(jsonOrError);
                if (found.lines.length > 0) this.goToLine(found.lines[0]);
                else this.notice = `${this.stepLabel(step)} has no lines`;
            } catch (e) {
                this.error = e.message;
            }
        },

        filterToStep(step) {
            this.filters.stepId = this.filters.stepId === step.id ? '' : step.id;
        },

        /** A finished step's lines fold into one row, when they are one run of lines (steps that ran side by side are not). */
        async fold(step) {
            if (!this.unfilteredView) {
                this.notice = 'Steps fold in the unfiltered log';
                return;
            }
            try {
                const by = (where) => fetch(`${api}/logs/matches?${this.viewQuery({ ...where, limit: 1 }, { stepId: step.id })}`).then(jsonOrError);
                const [first, last] = await Promise.all([by({ after: 0 }), by({ before: Number.MAX_SAFE_INTEGER })]);
                if (first.lines.length === 0) return;
                const [a, b] = [first.lines[0], last.lines[0]];
                if (b - a + 1 !== first.total) {
                    this.notice = `${this.stepLabel(step)} ran beside other steps: its lines are not one run, so it does not fold`;
                    return;
                }
                const start = await fetch(`${api}/logs/range?${this.viewQuery({ line: a, count: 1 })}`).then(jsonOrError);
                this.folded = [...this.folded.filter((f) => f.stepId !== step.id),
                    { stepId: step.id, from: start.from, to: start.from + (b - a), label: this.stepLabel(step) }];
                viewer.set({ folds: this.folded });
            } catch (e) {
                this.error = e.message;
            }
        },

        unfold(stepId) {
            this.folded = this.folded.filter((f) => f.stepId !== stepId);
            viewer.set({ folds: this.folded });
        },

        toggleFold(step) {
            return this.isFolded(step) ? this.unfold(step.id) : this.fold(step);
        },

        isFolded(step) {
            return this.folded.some((f) => f.stepId === step.id);
        },

        foldable(step) {
            return FINISHED.includes(step.status);
        },

        foldLabel(step) {
            return this.isFolded(step) ? 'Unfold' : 'Fold';
        },

        filterLabel(step) {
            return this.filters.stepId === step.id ? 'All steps' : 'Only this';
        },

        stepClass(step) {
            return { [`status-${step.status}`]: true, 'step-filtered': this.filters.stepId === step.id };
        },

        stepLabel(step) { return step.name || step.id; },

        stepTimes(step) {
            if (!step.started_at) return step.finished_at ? `ended ${QuaeroLogs.formatTimestamp(step.finished_at)}` : '';
            const end = step.finished_at ? Date.parse(step.finished_at) : this.now;
            return QuaeroLogs.formatDuration(end - Date.parse(step.started_at));
        },

        stepTitle(step) {
            const at = (t) => (t ? QuaeroLogs.formatTimestamp(t, true) : '—');
            return `${this.stepLabel(step)}: ${step.status}; started ${at(step.started_at)}, finished ${at(step.finished_at)}`;
        },

        // ------------------------------------------------------------ job times, title, notification

        /** A clock for durations while the job runs: one timeout a second, none once it ended. */
        tick() {
            clearTimeout(clock);
            this.now = Date.now();
            if (!this.finished && this.startedAt) clock = setTimeout(() => this.tick(), 1000);
        },

        get startedText() {
            return this.startedAt ? QuaeroLogs.formatTimestamp(this.startedAt, true) : '—';
        },

        get finishedText() {
            return this.finishedAt ? QuaeroLogs.formatTimestamp(this.finishedAt, true) : '—';
        },

        get durationText() {
            if (!this.startedAt) return '—';
            const end = this.finishedAt ? Date.parse(this.finishedAt) : this.now;
            return QuaeroLogs.formatDuration(end - Date.parse(this.startedAt));
        },

        /** The tab's title: status and progress first, so a tab among many says how the job is doing. */
        get statusTitle() {
            const icon = { running: '▶', completed: '✓', failed: '✗', cancelled: '■' }[this.jobStatus] || '…';
            const progress = this.jobStatus === 'running' && this.progress !== null ? ` ${this.progress}%` : '';
            return `${icon} ${this.jobStatus || 'loading'}${progress} · ${this.jobType} ${jobId.slice(0, 8)} · Quaero`;
        },

        /** Opt-in: a browser notification when this job ends (asks for permission the first time). */
        async toggleNotify() {
            if (this.notifyWhenDone) {
                this.notifyWhenDone = false;
                return;
            }
            if (typeof Notification === 'undefined') {
                this.notice = 'This browser has no notifications';
                return;
            }
            const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
            this.notifyWhenDone = permission === 'granted';
            if (!this.notifyWhenDone) this.notice = 'Notifications are blocked for this site';
        },

        get notifyLabel() {
            return this.notifyWhenDone ? 'Notifying when done' : 'Notify me when done';
        },

        jobEnded() {
            this.tick();
            if (this.notifyWhenDone) {
                this.notifyWhenDone = false;
                new Notification(`${this.jobType} ${this.jobStatus}`, { body: `Job ${jobId} ${this.jobStatus} after ${this.durationText}`, tag: jobId });
            }
        },

        // ------------------------------------------------------------ display choices and keys

        cycleTimestamps() {
            const modes = QuaeroLogs.TIMESTAMP_MODES;
            this.timestamps = modes[(modes.indexOf(this.timestamps) + 1) % modes.length];
        },

        timestampLabel(mode) { return TIMESTAMP_LABELS[mode]; },

        toggleWrap() {
            this.wrap = !this.wrap;
        },

        get containerClass() {
            return { wrap: this.wrap };
        },

        toggleHelp() {
            this.helpOpen = !this.helpOpen;
        },

        closeHelp() {
            this.helpOpen = false;
        },

        shortcut(e) {
            if (e.ctrlKey || e.metaKey || e.altKey) return;
            if (e.key === 'Escape') {
                this.helpOpen = false;
                return;
            }
            if (typing(e)) return;
            const actions = {
                '/': () => this.$refs.find.focus(),
                n: () => this.findNext(),
                N: () => this.findPrevious(),
                e: () => this.nextError(),
                E: () => this.previousError(),
                g: () => this.toTop(),
                G: () => this.follow(),
                End: () => this.follow(),
                f: () => this.toggleFollow(),
                ' ': () => this.toggleFollow(),
                w: () => this.toggleWrap(),
                t: () => this.cycleTimestamps(),
                '?': () => this.toggleHelp(),
            };
            const action = actions[e.key];
            if (action) {
                e.preventDefault();
                action();
            }
        },

        // ------------------------------------------------------------ job actions

        async cancel() {
            this.cancelling = true;
            try {
                await fetch(`${api}/cancel`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
            } catch (e) {
                this.error = e.message;
            } finally {
                this.cancelling = false;
            }
        },

        /** Runs the job again as a new job (same type, params and team) and opens its page. */
        async rerun() {
            this.rerunning = true;
            try {
                const job = await fetch(`${api}/rerun`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
                window.location.assign(`/jobs/${job.id}`);
            } catch (e) {
                this.error = e.message;
                this.rerunning = false;
            }
        },

        get finished() {
            return FINISHED.includes(this.jobStatus);
        },

        /** Finished, and created through the API (a job first seen in events has nothing to run again). */
        get rerunnable() {
            return this.finished && Boolean(this.job?.type) && Boolean(this.job?.executor) && Boolean(this.job?.team);
        },

        get cancellable() {
            return Boolean(this.jobStatus) && !this.finished;
        },

        get jobType() {
            return this.job?.type || 'job';
        },

        get statusText() {
            return this.jobStatus || '…';
        },

        get statusClass() {
            return `status-${this.jobStatus || 'pending'}`;
        },

        get progressText() {
            return percent(this.progress);
        },

        get progressStyle() {
            return { width: percent(this.progress) };
        },

        get reason() {
            return this.job?.reason || '';
        },

        get hasNewLines() {
            return !this.atBottom && this.newWhileAway > 0;
        },

        get newWhileAwayText() {
            return `${this.newWhileAway.toLocaleString()} new ${this.newWhileAway === 1 ? 'line' : 'lines'}`;
        },

        /** "3,000 lines", "100 lines of Fetch", "7 of 57 lines": the counts the stream carries (of the step, when one is chosen). */
        get countsText() {
            const f = this.streamFilters;
            const lines = `${this.totalCount.toLocaleString()} ${this.totalCount === 1 ? 'line' : 'lines'}`;
            const step = f.stepId ? ` of ${this.stepLabel(this.steps.find((s) => s.id === f.stepId) ?? { id: f.stepId })}` : '';
            return !f.level && !f.search ? `${lines}${step}` : `${this.displayedCount.toLocaleString()} of ${lines}${step}`;
        },

        /** The view's filter as a query, for the download and the raw view. */
        get filterQuery() {
            const query = this.viewQuery();
            return query ? `?${query}` : '';
        },

        get downloadUrl() {
            return `${api}/logs/download${this.filterQuery}`;
        },

        get rawUrl() {
            return `${api}/logs/raw${this.filterQuery}`;
        },

        levelClass(level) { return QuaeroLogs.levelClass(level); },
    });
}

/**
 * Service logs. Usage: the panel in the layout, `x-data="serviceLogViewer()"`, on every page; the
 * full-page view, `x-data="serviceLogPage()"` (this with `{ fullPage: true }`), with its own
 * stream and search.
 * The panel's open/closed state and level are kept in localStorage, so they survive navigation.
 * @param {{fullPage?: boolean, limit?: number}} [options]
 */
function serviceLogViewer(options = {}) {
    const fullPage = Boolean(options.fullPage);
    const limit = options.limit ?? (fullPage ? 200 : 50);
    const storage = (key, fallback) => {
        try {
            return localStorage.getItem(`quaero.serviceLogs.${key}`) ?? fallback;
        } catch {
            return fallback;
        }
    };
    const remember = (key, value) => {
        try {
            localStorage.setItem(`quaero.serviceLogs.${key}`, String(value));
        } catch { /* private mode: state simply is not kept */ }
    };
    let stream = null;
    let view = null;
    let search = null;
    return logView({
        expanded: fullPage || storage('expanded', 'false') === 'true',
        connected: false,
        unreadCount: 0,
        errorSeen: false,
        shownCount: 0,
        totalCount: 0,
        displayedCount: 0,
        atBottom: true,
        searchInput: '',
        filters: { level: fullPage ? '' : storage('level', 'info'), search: '' },

        init() {
            view = new QuaeroLogs.LogView(this.$refs.serviceLogContainer, {
                maxRows: fullPage ? MAX_DOM_ROWS : 500,
                showStep: false,
                showSource: true,
                onStickChange: (atBottom) => { this.atBottom = atBottom; },
            });
            stream = QuaeroLogs.createServiceStream({ limit });
            stream.onLogs = (batch) => {
                if (batch.replaced) view.clear();
                view.append(batch.entries);
                if (!this.expanded) this.unreadCount += batch.entries.length;
                if (batch.entries.some((e) => e.level === 'error' || e.level === 'fatal')) this.errorSeen = true;
                this.shownCount = stream.logs.length;
                this.totalCount = stream.totalCount;
                this.displayedCount = stream.displayedCount;
            };
            stream.onConnect = () => { this.connected = true; };
            stream.onDisconnect = () => { this.connected = false; };
            stream.connect(this.filters);
            window.addEventListener('pagehide', () => this.destroy());

            this.$watch('filters', () => {
                if (!fullPage) remember('level', this.filters.level);
                if (stream.filters.level !== this.filters.level || stream.filters.search !== this.filters.search) {
                    view.clear();
                    stream.reconnect({ ...this.filters });
                }
            }, { deep: true });
            search = debounced((value) => { this.filters.search = value.trim(); });
            this.$watch('searchInput', (value) => search.call(value));
        },

        destroy() {
            search?.cancel();
            stream?.disconnect();
            view?.destroy();
        },

        toggle() {
            this.expanded = !this.expanded;
            remember('expanded', this.expanded);
            if (this.expanded) {
                this.unreadCount = 0;
                this.$nextTick(() => view.scrollToBottom());
            }
        },

        clear() {
            stream.clear();
            view.clear();
            this.unreadCount = 0;
            this.errorSeen = false;
            this.shownCount = 0;
        },

        hasErrors() {
            return this.errorSeen;
        },

        get panelClass() {
            return { expanded: this.expanded };
        },

        jumpToLatest() {
            view.scrollToBottom();
        },
    });
}

/**
 * The jobs table and the run-a-job form. Statuses stay current through one SSE connection, the
 * job-status feed: the feed is opened first, then the page is fetched, so no change falls between.
 */
function jobsList() {
    let feed = null;
    let clock = null;
    let loading = false;
    let reloadAfter = false;
    const arrivedWhileLoading = [];
    return {
        jobs: [],
        types: [],
        loaded: false,
        nextCursor: null,
        loadingMore: false,
        feedConnected: false,
        filters: { status: '', type: '' },
        form: { type: '', params: {}, team: '' },
        /** The teams the signed-in user may run jobs for (a choice is shown when there are several). */
        teams: [],
        creating: false,
        rerunning: false,
        /** The clock running jobs' durations are counted on (ticks once a second while one runs). */
        now: Date.now(),
        error: '',

        init() {
            fetch('/api/session').then(jsonOrError).then((me) => {
                this.teams = me.teams;
                this.form.team = me.teams[0] || '';
            }).catch((e) => { this.error = e.message; });
            fetch('/api/job-types').then(jsonOrError).then((types) => {
                this.types = types;
                if (types.length > 0) this.chooseType(types[0].type);
            }).catch((e) => { this.error = e.message; });
            this.openFeed();
            this.$watch('filters', () => this.load(), { deep: true });
            window.addEventListener('pagehide', () => this.destroy());
        },

        destroy() {
            feed?.close();
            clearTimeout(clock);
        },

        /** Durations of running jobs move on: one timeout a second, and none while no listed job runs. */
        tick() {
            clearTimeout(clock);
            this.now = Date.now();
            if (this.jobs.some((j) => j.status === 'running' && j.started_at)) clock = setTimeout(() => this.tick(), 1000);
        },

        /**
         * The job-status feed: every status change of every job. On each open (the first and
         * every reconnect) the page is fetched again; the feed guarantees that a change is in that
         * page, on the stream, or both, and changes arriving during the fetch are applied after it.
         */
        openFeed() {
            feed = new QuaeroLogs.Transport({
                open: () => new EventSource('/api/job-status/stream'),
                on: {
                    status: (data) => {
                        if (loading) {
                            // Bounded: past the limit the page is simply fetched again afterwards.
                            if (arrivedWhileLoading.length < MAX_HELD_CHANGES) arrivedWhileLoading.push(data);
                            else reloadAfter = true;
                        } else {
                            this.applyStatus(data);
                        }
                    },
                },
                onOpen: () => {
                    this.feedConnected = true;
                    this.load();
                },
                onDown: () => {
                    this.feedConnected = false;
                    // No feed (yet): still show the jobs, they just will not move until it is back.
                    if (!this.loaded && !loading) this.load();
                },
                reconnectDelayMs: QuaeroLogs.defaults.reconnectDelayMs,
                maxReconnectDelayMs: QuaeroLogs.defaults.maxReconnectDelayMs,
            });
            feed.open(null);
        },

        /** Merges one status change (only what changed is in it); an unlisted job is fetched. */
        applyStatus(data) {
            const change = data.job;
            if (!change?.id) return;
            const job = this.jobs.find((j) => j.id === change.id);
            if (job) {
                if (change.status) job.status = change.status;
                if (change.progress !== undefined && change.progress !== null) job.progress = change.progress;
                // The feed carries no times: a job that starts or ends is read again for them (once per change).
                if (change.status === 'running' || FINISHED.includes(change.status)) this.refresh(job.id);
            } else if (this.loaded) {
                fetch(`/api/jobs/${change.id}`).then(jsonOrError).then((fresh) => this.insert(fresh))
                    .catch(() => { /* gone: nothing to show */ });
            }
        },

        /** Reads a listed job again (its times after it started or ended). */
        refresh(id) {
            fetch(`/api/jobs/${id}`).then(jsonOrError).then((fresh) => {
                const job = this.jobs.find((j) => j.id === id);
                if (job) Object.assign(job, { started_at: fresh.started_at, finished_at: fresh.finished_at });
                this.tick();
            }).catch(() => { /* gone: the list shows what it had */ });
        },

        /** Puts a job fetched on its first change into the list, newest first, if it belongs there. */
        insert(job) {
            if (!this.matches(job) || this.jobs.some((j) => j.id === job.id)) return;
            const at = this.jobs.findIndex((j) => Date.parse(j.created_at) < Date.parse(job.created_at));
            // Older than every listed job while older pages exist: it belongs to those pages.
            if (at === -1 && this.nextCursor) return;
            this.jobs.splice(at === -1 ? this.jobs.length : at, 0, job);
            this.tick();
        },

        matches(job) {
            return (!this.filters.status || job.status === this.filters.status)
                && (!this.filters.type || job.type === this.filters.type);
        },

        async load() {
            loading = true;
            try {
                const query = new URLSearchParams();
                if (this.filters.status) query.set('status', this.filters.status);
                if (this.filters.type) query.set('type', this.filters.type);
                const page = await fetch(`/api/jobs?${query}`).then(jsonOrError);
                this.jobs = page.jobs;
                this.nextCursor = page.next_cursor;
                this.loaded = true;
                this.tick();
            } catch (e) {
                this.error = e.message;
            } finally {
                loading = false;
                arrivedWhileLoading.splice(0).forEach((data) => this.applyStatus(data));
                if (reloadAfter) {
                    reloadAfter = false;
                    this.load();
                }
            }
        },

        async loadMore() {
            if (!this.nextCursor) return;
            this.loadingMore = true;
            try {
                const query = new URLSearchParams({ before: this.nextCursor });
                if (this.filters.status) query.set('status', this.filters.status);
                if (this.filters.type) query.set('type', this.filters.type);
                const page = await fetch(`/api/jobs?${query}`).then(jsonOrError);
                this.jobs.push(...page.jobs.filter((j) => !this.jobs.some((k) => k.id === j.id)));
                this.nextCursor = page.next_cursor;
            } catch (e) {
                this.error = e.message;
            } finally {
                this.loadingMore = false;
            }
        },

        get selectedType() {
            return this.types.find((t) => t.type === this.form.type);
        },

        /** The selected type's parameters (name → JSON Schema), for the run form's inputs. */
        /** True when the signed-in user may run jobs for more than one team: the form offers the choice. */
        get hasTeamChoice() {
            return this.teams.length > 1;
        },

        get paramSpecs() {
            return this.selectedType?.params?.properties || {};
        },

        get typeDescription() {
            return this.selectedType?.description || '';
        },

        get runDisabled() {
            return this.creating || !this.form.type;
        },

        get feedClass() {
            return { connected: this.feedConnected };
        },

        get feedText() {
            return this.feedConnected ? 'live' : 'offline';
        },

        /** An installation with no job at all (not a filter that matches none): offer the demo. */
        get noJobsYet() {
            return this.loaded && this.jobs.length === 0 && !this.filters.status && !this.filters.type;
        },

        get hasJobs() {
            return this.jobs.length > 0;
        },

        paramTestId(name) { return `param-${name}`; },
        jobUrl(job) { return `/jobs/${job.id}`; },
        shortId(job) { return job.id.slice(0, 8); },
        typeLabel(job) { return job.type || '—'; },
        statusClass(job) { return `status-${job.status}`; },
        progressText(job) { return percent(job.progress); },
        progressStyle(job) { return { width: percent(job.progress) }; },
        cancellable(job) { return !this.isFinished(job); },

        chooseType(type) {
            this.form.type = type;
            const schema = this.types.find((t) => t.type === type)?.params?.properties || {};
            this.form.params = Object.fromEntries(Object.entries(schema).map(([name, p]) => [name, p.default]));
        },

        /** The empty installation's one button. */
        runDemo() {
            return this.run('demo', {});
        },

        /** Creates a job and opens its page, where its log streams in. */
        async run(type = this.form.type, params = this.form.params) {
            this.creating = true;
            this.error = '';
            try {
                const numeric = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Number(v)]));
                const body = { type, params: numeric };
                if (this.form.team) body.team = this.form.team;
                const job = await fetch('/api/jobs', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json', ...QuaeroLogs.csrfHeaders() },
                    body: JSON.stringify(body),
                }).then(jsonOrError);
                window.location.href = `/jobs/${job.id}`;
            } catch (e) {
                this.error = e.message;
                this.creating = false;
            }
        },

        async cancel(job) {
            try {
                await fetch(`/api/jobs/${job.id}/cancel`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
            } catch (e) {
                this.error = e.message;
            }
        },

        /** Runs a finished job again with the same parameters (a new job) and opens its page. */
        async rerun(job) {
            this.rerunning = true;
            try {
                const created = await fetch(`/api/jobs/${job.id}/rerun`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
                window.location.assign(`/jobs/${created.id}`);
            } catch (e) {
                this.error = e.message;
                this.rerunning = false;
            }
        },

        /** Finished, and created through the API (a job first seen in events has nothing to run again). */
        rerunnable(job) {
            return this.isFinished(job) && Boolean(job.type) && Boolean(job.executor) && Boolean(job.team);
        },

        /** Since it started, to its end or (still running) to now. */
        durationText(job) {
            if (!job.started_at) return '';
            const end = job.finished_at ? Date.parse(job.finished_at) : this.now;
            return QuaeroLogs.formatDuration(end - Date.parse(job.started_at));
        },

        isFinished(job) {
            return FINISHED.includes(job.status);
        },

        formatTime(ts) { return ts ? QuaeroLogs.formatTimestamp(ts, true) : ''; },
    };
}

/** Why the sign-in page was opened (its `reason` / `error` parameter), as the page says it. */
const SIGN_IN_NOTICES = {
    'signed-out': 'Your session has ended. Sign in again to go back where you were.',
    link: 'That sign-in link has been used or has expired. Sign in with your name and password.',
};

/**
 * The sign-in form. On success the browser goes to `next` (a path on this origin), else to the jobs.
 * Usage: `<main x-data="signIn()">`.
 */
function signIn() {
    const params = new URLSearchParams(location.search);
    const next = params.get('next');
    return {
        name: '',
        password: '',
        busy: false,
        error: '',
        notice: SIGN_IN_NOTICES[params.get('reason') || params.get('error')] || '',

        async submit() {
            this.busy = true;
            this.error = '';
            try {
                const response = await fetch('/api/session', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json', ...QuaeroLogs.csrfHeaders() },
                    body: JSON.stringify({ name: this.name, password: this.password }),
                });
                const body = await response.json().catch(() => ({}));
                if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
                // Only a path here: a link must not send the browser to another site.
                // ("/\\host" is "//host" to a browser.)
                const local = next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\');
                location.assign(local ? next : '/jobs');
            } catch (e) {
                this.error = e.message;
                this.busy = false;
            }
        },
    };
}

/** The signed-in user's corner of the top bar. Usage: `<div x-data="session()">`. */
function session() {
    return {
        async signOut() {
            await fetch('/api/session', { method: 'DELETE', headers: QuaeroLogs.csrfHeaders() }).catch(() => null);
            location.assign('/signin');
        },
    };
}

// Registered by name: the CSP build evaluates `x-data="jobsList()"` against Alpine's data
// providers, never against window. This file loads before Alpine (deferred scripts run in order),
// so the listener is in place when Alpine starts.
document.addEventListener('alpine:init', () => {
    Alpine.data('jobLogViewer', jobLogViewer);
    Alpine.data('serviceLogViewer', serviceLogViewer);
    Alpine.data('serviceLogPage', () => serviceLogViewer({ fullPage: true }));
    Alpine.data('jobsList', jobsList);
    Alpine.data('signIn', signIn);
    Alpine.data('session', session);
});
