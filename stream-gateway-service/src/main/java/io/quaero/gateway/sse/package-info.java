/** SSE plumbing shared by the job, service and job-status streams: frame writing and the connection loop. */
package io.quaero.gateway.sse;
