/**
 * The limits every web service shares: who a request counts against (its caller, its client
 * address behind trusted proxies, exemptions) and the request body limit (docs/SECURITY.md, "Limits").
 */
@NullMarked
package io.quaero.access.limits;

import org.jspecify.annotations.NullMarked;
