/**
 * Secrets never shown (issue 14): {@link io.quaero.masking.Masker}, the one masker ingest and the
 * gateway run, over a job's declared values ({@link io.quaero.masking.JobMasks}) and the admins'
 * patterns in force at a line's append time ({@link io.quaero.masking.PatternHistory}).
 */
@NullMarked
package io.quaero.masking;

import org.jspecify.annotations.NullMarked;
