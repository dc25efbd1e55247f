/**
 * Per-user limits on creating jobs: the creation rate ({@link io.quaero.jobs.limits.CreationRate})
 * and the lines built-in jobs may plan ({@link io.quaero.jobs.limits.LoadCaps}); docs/SECURITY.md, "Limits".
 */
@NullMarked
package io.quaero.jobs.limits;

import org.jspecify.annotations.NullMarked;
