/** The dev stack: {@code ./quaero dev} runs {@link io.quaero.dev.DevStack}. */
package io.quaero.dev;
