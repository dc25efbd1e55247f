package io.quaero.gateway.logstream;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.ServiceView;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.hub.Delivery;
import io.quaero.masking.MaskValue;
import io.quaero.masking.Masker;
import io.quaero.masking.MaskPatterns;
import java.util.function.LongFunction;

/**
 * The services' own log: its status is read once at connect; a line's number is its position in
 * the one-partition topic (as stored), so a record the rules skipped leaves a gap, not a shift; its
 * text is masked by the admins' patterns in force at its append time ({@code PatternHistory#live}),
 * as ingest stores it.
 */
record ServiceSource(ServiceView service, LongFunction<MaskPatterns> patterns) implements LogSource {

    @Override
    public StatusPayload status() {
        return new StatusPayload(null, null, service);
    }

    @Override
    public void merge(StatusEvent change, boolean copy) {
        throw new IllegalStateException("service logs carry no status changes");
    }

    @Override
    public long lineOf(Delivery d, long lastLine) {
        return d.cursor().offset() + 1;
    }

    @Override
    public boolean refused(Cursor cursor) {
        return false;
    }

    @Override
    public String text(Delivery line) {
        return line.text(0, message -> Masker.mask(message, patterns.apply(line.appendedAt())));
    }

    @Override
    public void declare(MaskValue value) {
        throw new IllegalStateException("service logs declare no masks");
    }
}
