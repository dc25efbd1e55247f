package io.quaero.gateway.fetch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.LogPages;

/**
 * Writes a job's filtered log as text, one keyset page of {@code pageSize} entries at a time, so
 * a log of any length costs one page of memory. It ends at {@code upToOffset}, the end of the log
 * when the request came: a running job's download is the log as of that moment, and a job that
 * writes faster than the client reads cannot keep it going for ever.
 *
 * <p>With a search term each page reads at most {@code searchScanRows} lines (LogPages), so no
 * statement of a download of any size runs long; the download as a whole reads the job once, as
 * it must. A statement the database still cancels after the file has started cannot become an
 * error status any more: the response is cut off, which the client sees as a failed transfer.
 */
record LogDownload(LogPages pages, UUID jobId, LogFilter filter, long upToOffset, int pageSize, int searchScanRows) {

    /** Writes every matching entry; an {@link IOException} means the client is gone. */
    void writeTo(OutputStream out) throws IOException {
        Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        long after = -1;
        LogPages.Rows page;
        do {
            page = pages.between(jobId, filter, after, upToOffset, pageSize, filter.query() == null ? LogPages.WHOLE : searchScanRows);
            for (LogEntry e : page.entries()) {
                text.write(TextLine.of(e));
            }
            if (page.scannedTo() != null) {
                after = page.scannedTo().offset();
            } else if (!page.entries().isEmpty()) {
                after = Cursor.parse(page.entries().getLast().cursor()).offset();
            }
        } while (page.hasMore());
        text.flush();
    }
}
