/** Publishing job events and dispatch commands from Java: {@link io.quaero.contracts.publish.QuaeroProducer}. */
@NullMarked
package io.quaero.contracts.publish;

import org.jspecify.annotations.NullMarked;
