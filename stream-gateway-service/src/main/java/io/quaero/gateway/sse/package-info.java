/** SSE plumbing shared by the job and service streams: frame writing and the connection loop. */
package io.quaero.gateway.sse;
