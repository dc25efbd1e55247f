/**
 * Alpine.js components of the Quaero pages, thin layers over QuaeroLogs (log-stream.js):
 *  - jobLogViewer(jobId): a job's status, steps, progress and live log, with server-side filters;
 *  - serviceLogViewer(options): the service-logs panel on every page (or the full-page view);
 *  - jobsList(): the jobs table, kept live by the job-status feed, and the run-a-job form;
 *  - signIn(): the sign-in page's form; session(): the signed-in user's sign-out button.
 *
 * Log rows are rendered by QuaeroLogs.LogView (a bounded window of DOM rows, appended once per
 * animation frame), not by x-for: at thousands of lines a second, a reactive list would freeze
 * the page. Alpine drives everything around the rows.
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
 * Most rows a log view keeps in the DOM; older ones stay in the stream's buffer. Layout of the
 * rows is most of a busy page's work, and it grows with this number (see docs/BENCHMARKS.md).
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

/**
 * The live log of one job. Usage: `<div x-data="jobLogViewer('job-uuid')">`.
 * @param {string} jobId
 */
function jobLogViewer(jobId) {
    let stream = null;
    let view = null;
    let search = null;
    return logView({
        jobId,
        job: null,
        jobStatus: null,
        progress: null,
        steps: [],
        connected: false,
        shownCount: 0,
        totalCount: 0,
        displayedCount: 0,
        countPartial: false,
        hasEarlier: false,
        loadingEarlier: false,
        atBottom: true,
        newWhileAway: 0,
        cancelling: false,
        rerunning: false,
        error: '',
        notice: '',
        searchInput: '',
        filters: { stepId: '', level: '', limit: 100, search: '' },

        init() {
            const loaded = fetch(`/api/jobs/${jobId}`).then(jsonOrError).then((job) => {
                this.job = job;
                this.jobStatus ??= job.status;
                this.progress ??= job.progress;
                if (this.steps.length === 0) this.steps = job.steps || [];
                return job;
            }).catch((e) => { this.error = e.message; return null; });

            view = new QuaeroLogs.LogView(this.$refs.logContainer, {
                maxRows: MAX_DOM_ROWS,
                onStickChange: (atBottom) => {
                    this.atBottom = atBottom;
                    if (atBottom) this.newWhileAway = 0;
                },
            });
            stream = QuaeroLogs.createStream(`/api/jobs/${jobId}/logs/stream`, { limit: this.filters.limit });
            stream.onLogs = (batch) => this.render(batch);
            stream.onStatus = (data) => {
                if (data.job) {
                    this.jobStatus = data.job.status;
                    if (data.job.progress !== undefined && data.job.progress !== null) this.progress = data.job.progress;
                }
                this.steps = stream.steps;
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
                stream.connect(this.filters);
            });
            window.addEventListener('pagehide', () => this.destroy());

            this.$watch('filters', () => {
                view.clear();
                this.newWhileAway = 0;
                stream.options.limit = Number(this.filters.limit);
                stream.reconnect(this.filters);
            }, { deep: true });
            search = debounced((value) => { this.filters.search = value.trim(); });
            this.$watch('searchInput', (value) => search.call(value));
        },

        destroy() {
            search?.cancel();
            stream?.disconnect();
            view?.destroy();
        },

        /** One animation frame's worth of new entries. */
        render(batch) {
            if (batch.replaced) view.clear();
            // While the reader is scrolled up, rows are not added under them; they are counted and
            // shown on "jump to latest" (from the stream's buffer).
            if (this.atBottom || batch.replaced) {
                view.append(batch.entries);
            } else {
                this.newWhileAway += batch.entries.length;
            }
            this.shownCount = stream.logs.length;
            this.totalCount = stream.totalCount;
            this.displayedCount = stream.displayedCount;
            this.countPartial = stream.countPartial;
            this.hasEarlier = stream.hasEarlier;
        },

        /** The filtered count; "+" when a search in a long log counted its newest part only (more may match earlier). */
        get displayedText() {
            return this.countPartial ? `${this.displayedCount}+` : String(this.displayedCount);
        },

        jumpToLatest() {
            view.clear();
            view.append(stream.logs.slice(-MAX_DOM_ROWS));
            view.scrollToBottom();
            this.newWhileAway = 0;
        },

        async loadEarlier() {
            this.loadingEarlier = true;
            try {
                const added = await stream.loadEarlier();
                view.prepend(stream.logs.slice(0, added));
                this.shownCount = stream.logs.length;
                this.hasEarlier = stream.hasEarlier;
            } catch (e) {
                this.error = e.message;
            } finally {
                this.loadingEarlier = false;
            }
        },

        async cancel() {
            this.cancelling = true;
            try {
                await fetch(`/api/jobs/${jobId}/cancel`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
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
                const job = await fetch(`/api/jobs/${jobId}/rerun`, { method: 'POST', headers: QuaeroLogs.csrfHeaders() }).then(jsonOrError);
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

        get newWhileAwayText() {
            return `(${this.newWhileAway} new)`;
        },

        stepClass(step) { return `status-${step.status}`; },
        stepLabel(step) { return step.name || step.id; },

        get downloadUrl() {
            const query = QuaeroLogs.buildQueryParams({ stepId: this.filters.stepId, level: this.filters.level, search: this.filters.search });
            return `/api/jobs/${jobId}/logs/download${query ? `?${query}` : ''}`;
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
            } else if (this.loaded) {
                fetch(`/api/jobs/${change.id}`).then(jsonOrError).then((fresh) => this.insert(fresh))
                    .catch(() => { /* gone: nothing to show */ });
            }
        },

        /** Puts a job fetched on its first change into the list, newest first, if it belongs there. */
        insert(job) {
            if (!this.matches(job) || this.jobs.some((j) => j.id === job.id)) return;
            const at = this.jobs.findIndex((j) => Date.parse(j.created_at) < Date.parse(job.created_at));
            // Older than every listed job while older pages exist: it belongs to those pages.
            if (at === -1 && this.nextCursor) return;
            this.jobs.splice(at === -1 ? this.jobs.length : at, 0, job);
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
