/**
 * browser-policy: what every response of a web-facing Quaero service tells the browser, and which
 * Host names the service answers to. One concept, one place: web-ui, job-service and the stream
 * gateway carry this jar, and the dev stack (all of them in one process) gets it once.
 *
 * <ul>
 *   <li>{@link io.quaero.browser.BrowserHeaders}: {@code Content-Security-Policy},
 *       {@code X-Content-Type-Options}, {@code Referrer-Policy}, {@code X-Frame-Options} on every
 *       response (pages, JSON, streams, errors).</li>
 *   <li>{@link io.quaero.browser.AllowedHosts}: with {@code quaero.http.allowed-hosts} set (the dev
 *       stack sets the loopback names), a request whose {@code Host} is not one of them is refused
 *       with a 400 naming the header: the DNS-rebinding defence.</li>
 * </ul>
 *
 * <p>Both are plain servlet filters ordered before any security filter chain, so they hold
 * whether or not a later filter signs the request in, and a refusal by that chain carries the
 * headers too. docs/SECURITY.md ("Browser") says what each covers and what it does not.
 */
@NullMarked
package io.quaero.browser;

import org.jspecify.annotations.NullMarked;
