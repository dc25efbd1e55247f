/**
 * Small fakes of the browser APIs that log-stream.js uses, for Node's test runner.
 *
 * Nothing here is a general-purpose polyfill: each fake does just what the library needs and
 * records what the tests assert on.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const LIBRARY = '../../../pages/static/js/log-stream.js';

/**
 * Loads QuaeroLogs. The library reads the browser globals (EventSource, fetch, setTimeout, …)
 * when it is called, not when it is loaded, so one copy serves every test of a file.
 */
export function loadQuaeroLogs() {
    // QUAERO_LOGS_JS points the tests at another copy of the library (e.g. a deliberately broken
    // one, to check that the tests notice).
    return require(process.env.QUAERO_LOGS_JS ?? LIBRARY);
}

/**
 * Lets queued microtasks, fake fetch responses, fake BroadcastChannel messages and fake lock
 * grants run, including the ones they trigger in turn (a few event-loop turns; mocked timers
 * are not advanced).
 */
export async function settle(turns = 10) {
    for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

// ------------------------------------------------------------------------------ EventSource

/** An EventSource the test drives: emit('logs', {...}), open(), error(readyState). */
export class FakeEventSource {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSED = 2;

    /** Every instance created since the last reset(), oldest first. */
    static instances = [];

    static reset() {
        FakeEventSource.instances = [];
    }

    /** The newest instance. */
    static get last() {
        return FakeEventSource.instances[FakeEventSource.instances.length - 1];
    }

    /** The instances that were not closed. */
    static get open() {
        return FakeEventSource.instances.filter((source) => !source.closed);
    }

    constructor(url) {
        this.url = url;
        this.readyState = FakeEventSource.CONNECTING;
        this.closed = false;
        this.listeners = new Map();
        this.onopen = null;
        this.onerror = null;
        this.onmessage = null;
        FakeEventSource.instances.push(this);
    }

    /** The query parameters of the URL, as a URLSearchParams. */
    get params() {
        return new URL(this.url, 'http://localhost').searchParams;
    }

    /** The path of the URL, without the query. */
    get path() {
        return new URL(this.url, 'http://localhost').pathname;
    }

    addEventListener(type, listener) {
        if (!this.listeners.has(type)) this.listeners.set(type, []);
        this.listeners.get(type).push(listener);
    }

    removeEventListener(type, listener) {
        const list = this.listeners.get(type) ?? [];
        this.listeners.set(type, list.filter((l) => l !== listener));
    }

    close() {
        this.readyState = FakeEventSource.CLOSED;
        this.closed = true;
    }

    /** The connection opened. */
    emitOpen() {
        this.assertUsable('open');
        this.readyState = FakeEventSource.OPEN;
        this.onopen?.({ type: 'open' });
    }

    /** A named event with a JSON body (`data` is serialised as the gateway would). */
    emit(type, data = {}, lastEventId = '') {
        this.assertUsable(type);
        const event = { type, data: JSON.stringify(data), lastEventId };
        for (const listener of this.listeners.get(type) ?? []) listener(event);
    }

    /** An error; readyState CONNECTING (the browser retries) or CLOSED (it gave up). */
    emitError(readyState) {
        this.readyState = readyState;
        this.onerror?.({ type: 'error' });
    }

    assertUsable(what) {
        if (this.closed) throw new Error(`test bug: ${what} on a closed EventSource (${this.url})`);
    }
}

// ------------------------------------------------------------------------------ fetch

/**
 * A fetch that records every call and answers with canned JSON.
 * @param {function(string): (Object|Promise<Object>)} [respond] the JSON body for a URL
 */
export function createFakeFetch(respond = () => ({ logs: [], meta: { total_count: 0, displayed_count: 0, has_more: false } })) {
    const calls = [];
    const fetch = async (url, init) => {
        calls.push({ url, init });
        const body = await respond(url, init);
        return {
            ok: true,
            status: 200,
            json: async () => structuredClone(body),
        };
    };
    fetch.calls = calls;
    /** The URLs fetched, as URL objects (relative ones against http://localhost). */
    fetch.urls = () => calls.map((call) => new URL(call.url, 'http://localhost'));
    return fetch;
}

/** A promise with its resolve/reject exposed, for responses the test releases when it wants. */
export function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
}

// ------------------------------------------------------------------------------ animation frames

/** requestAnimationFrame/cancelAnimationFrame whose frames run only on flush(). */
export function createFakeFrames() {
    let next = 1;
    const callbacks = new Map();
    return {
        requestAnimationFrame(fn) {
            const id = next++;
            callbacks.set(id, fn);
            return id;
        },
        cancelAnimationFrame(id) {
            callbacks.delete(id);
        },
        get pending() {
            return callbacks.size;
        },
        /** Runs the frames requested so far (ones requested while running wait for the next flush). */
        flush() {
            const due = [...callbacks.values()];
            callbacks.clear();
            for (const fn of due) fn(performance.now());
        },
    };
}

// ------------------------------------------------------------------------------ globals

/**
 * Sets globals for one test and returns a function that puts the previous ones back.
 * A value of undefined removes the global.
 */
export function installGlobals(values) {
    const previous = new Map();
    for (const [name, value] of Object.entries(values)) {
        previous.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
        if (value === undefined) {
            delete globalThis[name];
        } else {
            Object.defineProperty(globalThis, name, { value, configurable: true, writable: true, enumerable: false });
        }
    }
    return () => {
        for (const [name, descriptor] of previous) {
            if (descriptor) Object.defineProperty(globalThis, name, descriptor);
            else delete globalThis[name];
        }
    };
}

// ------------------------------------------------------------------------------ log entries

/** A log entry as the gateway sends it, with cursor `0-<offset>`. */
export function entry(offset, overrides = {}) {
    return {
        cursor: `0-${offset}`,
        line: offset,
        timestamp: '2025-01-02T03:04:05.000Z',
        level: 'info',
        message: `line ${offset}`,
        ...overrides,
    };
}

/** A `logs` event body with entries at these offsets. */
export function logsEvent(offsets, meta = {}) {
    return {
        logs: offsets.map((offset) => entry(offset)),
        meta: { total_count: offsets.length, displayed_count: offsets.length, has_more: false, ...meta },
    };
}

/** Offsets from..to, inclusive. */
export function range(from, to) {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// ------------------------------------------------------------------------------ BroadcastChannel

/**
 * An in-process BroadcastChannel: a message reaches every other open instance with the same name,
 * asynchronously (after the current microtasks), as a structured clone.
 */
export class FakeBroadcastChannel {
    static channels = new Set();
    /** Every message posted, in order: {name, from, message}. */
    static posted = [];

    static reset() {
        FakeBroadcastChannel.channels = new Set();
        FakeBroadcastChannel.posted = [];
    }

    constructor(name) {
        this.name = name;
        this.onmessage = null;
        this.closed = false;
        FakeBroadcastChannel.channels.add(this);
    }

    postMessage(message) {
        if (this.closed) throw new DOMException('BroadcastChannel is closed', 'InvalidStateError');
        FakeBroadcastChannel.posted.push({ name: this.name, from: this, message: structuredClone(message) });
        for (const other of FakeBroadcastChannel.channels) {
            if (other !== this && other.name === this.name) {
                const data = structuredClone(message);
                setImmediate(() => {
                    if (!other.closed) other.onmessage?.({ data });
                });
            }
        }
    }

    close() {
        this.closed = true;
        FakeBroadcastChannel.channels.delete(this);
    }
}

// ------------------------------------------------------------------------------ Web Locks

/**
 * navigator.locks with exclusive, first-come-first-served locks: the callback's returned promise
 * holds the lock; a request aborted through its signal before it is granted rejects (AbortError).
 */
export function createFakeLocks() {
    const held = new Map();    // name -> true while held
    const queues = new Map();  // name -> [{callback, resolve, reject, signal, onAbort}]

    function grantNext(name) {
        if (held.get(name)) return;
        const queue = queues.get(name) ?? [];
        const request = queue.shift();
        if (!request) return;
        held.set(name, true);
        request.signal?.removeEventListener('abort', request.onAbort);
        setImmediate(async () => {
            try {
                request.resolve(await request.callback({ name, mode: 'exclusive' }));
            } catch (error) {
                request.reject(error);
            } finally {
                held.set(name, false);
                grantNext(name);
            }
        });
    }

    return {
        request(name, options, callback) {
            if (typeof options === 'function') {
                callback = options;
                options = {};
            }
            return new Promise((resolve, reject) => {
                const signal = options.signal;
                if (signal?.aborted) {
                    reject(new DOMException('The request was aborted.', 'AbortError'));
                    return;
                }
                const request = { callback, resolve, reject, signal, onAbort: null };
                request.onAbort = () => {
                    const queue = queues.get(name) ?? [];
                    const index = queue.indexOf(request);
                    if (index >= 0) {
                        queue.splice(index, 1);
                        reject(new DOMException('The request was aborted.', 'AbortError'));
                    }
                };
                signal?.addEventListener('abort', request.onAbort, { once: true });
                if (!queues.has(name)) queues.set(name, []);
                queues.get(name).push(request);
                grantNext(name);
            });
        },
        /** Whether the lock is held, and how many requests wait (for assertions). */
        state(name) {
            return { held: Boolean(held.get(name)), waiting: (queues.get(name) ?? []).length };
        },
    };
}

// ------------------------------------------------------------------------------ DOM

/**
 * A minimal DOM: elements, text nodes and fragments with the tree operations renderMessage and
 * LogView use. Setting innerHTML/outerHTML or calling insertAdjacentHTML throws: the library must
 * never parse markup. scrollHeight is ROW_HEIGHT per element child.
 */
export const ROW_HEIGHT = 20;

class FakeNode {
    constructor(ownerDocument) {
        this.ownerDocument = ownerDocument;
        this.parentNode = null;
        this.childNodes = [];
    }

    get firstChild() {
        return this.childNodes[0] ?? null;
    }

    get children() {
        return this.childNodes.filter((node) => node.nodeType === 1);
    }

    get firstElementChild() {
        return this.children[0] ?? null;
    }

    get childElementCount() {
        return this.children.length;
    }

    appendChild(node) {
        return this.insertBefore(node, null);
    }

    insertBefore(node, reference) {
        if (reference !== null && reference !== undefined && reference.parentNode !== this) {
            throw new Error('NotFoundError: the reference node is not a child of this node');
        }
        let incoming;
        if (node.nodeType === 11) {
            // Inserting a fragment moves its children and leaves it empty.
            incoming = node.childNodes.splice(0);
        } else {
            node.parentNode?.removeChild(node);
            incoming = [node];
        }
        const index = reference ? this.childNodes.indexOf(reference) : this.childNodes.length;
        this.childNodes.splice(index, 0, ...incoming);
        for (const child of incoming) child.parentNode = this;
        return node;
    }

    removeChild(node) {
        const index = this.childNodes.indexOf(node);
        if (index < 0) throw new Error('NotFoundError: not a child');
        this.childNodes.splice(index, 1);
        node.parentNode = null;
        return node;
    }

    remove() {
        this.parentNode?.removeChild(this);
    }

    get textContent() {
        return this.childNodes.map((node) => node.textContent).join('');
    }

    set textContent(value) {
        for (const child of this.childNodes) child.parentNode = null;
        this.childNodes = [];
        const text = String(value ?? '');
        if (text !== '') this.appendChild(this.ownerDocument.createTextNode(text));
    }
}

export class FakeText extends FakeNode {
    constructor(ownerDocument, data) {
        super(ownerDocument);
        this.nodeType = 3;
        this.nodeName = '#text';
        this.data = String(data);
    }

    get textContent() {
        return this.data;
    }

    set textContent(value) {
        this.data = String(value ?? '');
    }
}

export class FakeFragment extends FakeNode {
    constructor(ownerDocument) {
        super(ownerDocument);
        this.nodeType = 11;
        this.nodeName = '#document-fragment';
    }
}

export class FakeElement extends FakeNode {
    constructor(ownerDocument, tagName) {
        super(ownerDocument);
        this.nodeType = 1;
        this.tagName = tagName.toUpperCase();
        this.nodeName = this.tagName;
        this.className = '';
        this.dataset = {};
        this.listeners = new Map();
        this.scrollTop = 0;
        this.clientHeight = 0;
        /** CSSOM properties set by the library (style.height, style.transform, style.color…). */
        this.style = {};
        this.attributes = new Map();
        /** A row's laid-out height; undefined: ROW_HEIGHT for a log row, the sum of its children otherwise. */
        this.fakeHeight = undefined;
    }

    setAttribute(name, value) {
        this.attributes.set(name, String(value));
    }

    getAttribute(name) {
        return this.attributes.has(name) ? this.attributes.get(name) : null;
    }

    hasAttribute(name) {
        return this.attributes.has(name);
    }

    removeAttribute(name) {
        this.attributes.delete(name);
    }

    replaceChildren(...nodes) {
        for (const child of this.childNodes) child.parentNode = null;
        this.childNodes = [];
        for (const node of nodes) this.appendChild(node);
    }

    /** Matches `tag`, `.class`, `tag.class` or `[data-name]`: what the library's closest() calls use. */
    matches(selector) {
        const data = /^\[data-([a-z-]+)\]$/.exec(selector);
        if (data) return Object.hasOwn(this.dataset, data[1]);
        const [tag, ...classes] = selector.split('.');
        return (!tag || this.tagName === tag.toUpperCase()) && classes.every((c) => this.classList.includes(c));
    }

    closest(selector) {
        let node = this;
        while (node && node.nodeType === 1) {
            if (node.matches(selector)) return node;
            node = node.parentNode;
        }
        return null;
    }

    /** Fake layout: a log row is ROW_HEIGHT (or its fakeHeight) tall, anything else its children stacked. */
    get offsetHeight() {
        if (this.fakeHeight !== undefined) return this.fakeHeight;
        if (this.classList.includes('log-entry')) return ROW_HEIGHT;
        return this.children.reduce((sum, child) => sum + child.offsetHeight, 0);
    }

    get offsetTop() {
        if (!this.parentNode) return 0;
        let top = 0;
        for (const sibling of this.parentNode.children) {
            if (sibling === this) break;
            top += sibling.offsetHeight;
        }
        return top;
    }

    getBoundingClientRect() {
        return { top: this.offsetTop, height: this.offsetHeight };
    }

    get scrollHeight() {
        return this.childElementCount * ROW_HEIGHT;
    }

    get classList() {
        return this.className.split(/\s+/).filter(Boolean);
    }

    set innerHTML(_) {
        throw new Error('innerHTML must not be used: log text is never parsed as HTML');
    }

    get innerHTML() {
        throw new Error('innerHTML must not be used');
    }

    set outerHTML(_) {
        throw new Error('outerHTML must not be used');
    }

    insertAdjacentHTML() {
        throw new Error('insertAdjacentHTML must not be used');
    }

    addEventListener(type, listener, options) {
        if (!this.listeners.has(type)) this.listeners.set(type, []);
        this.listeners.get(type).push({ listener, options });
    }

    removeEventListener(type, listener) {
        const list = this.listeners.get(type) ?? [];
        this.listeners.set(type, list.filter((l) => l.listener !== listener));
    }

    dispatch(type) {
        for (const { listener } of this.listeners.get(type) ?? []) listener({ type, target: this });
    }

    /** Delivers an event object to this element's listeners and its ancestors' (bubbling). */
    dispatchEvent(event) {
        let node = event.target ?? this;
        while (node) {
            for (const { listener } of node.listeners?.get(event.type) ?? []) listener(event);
            node = node.parentNode;
        }
        return true;
    }
}

/** A Range over the children of one parent, enough for setStartBefore/setEndAfter/deleteContents. */
export class FakeRange {
    constructor() {
        this.startNode = null;
        this.endNode = null;
    }

    setStartBefore(node) {
        this.startNode = node;
    }

    setEndAfter(node) {
        this.endNode = node;
    }

    deleteContents() {
        const parent = this.startNode?.parentNode;
        if (!parent || parent !== this.endNode?.parentNode) {
            throw new Error('FakeRange supports only a start and an end with the same parent');
        }
        const from = parent.childNodes.indexOf(this.startNode);
        const to = parent.childNodes.indexOf(this.endNode);
        if (to < from) throw new Error('FakeRange: the end is before the start');
        for (const node of parent.childNodes.slice(from, to + 1)) parent.removeChild(node);
    }
}

export class FakeDocument {
    constructor() {
        /** Every element created, to check that nothing but spans, divs and text was made. */
        this.created = [];
    }

    createElement(tagName) {
        const element = new FakeElement(this, tagName);
        this.created.push(element);
        return element;
    }

    createTextNode(data) {
        return new FakeText(this, data);
    }

    createDocumentFragment() {
        return new FakeFragment(this);
    }

    createRange() {
        return new FakeRange();
    }
}
