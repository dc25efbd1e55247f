package io.quaero.ingest.history;

import java.nio.charset.StandardCharsets;

/**
 * Builds the body of a {@code COPY ... FROM STDIN} in PostgreSQL's text format: tab-separated
 * columns, one row per line, {@code \N} for NULL, and backslash escapes for the four characters
 * that would break the framing. NUL cannot be stored in a text column at all; ingest rejects
 * such events before they get here (see {@code RecordRules}, applied by {@code intake.RecordDecoder}).
 */
final class CopyRows {

    private final StringBuilder sb;
    private boolean rowStarted;

    CopyRows(int expectedRows) {
        // ~200 bytes a row is typical for a log line; the builder grows if needed.
        this.sb = new StringBuilder(Math.max(256, expectedRows * 200));
    }

    CopyRows add(Object value) {
        if (rowStarted) {
            sb.append('\t');
        }
        rowStarted = true;
        if (value == null) {
            sb.append("\\N");
        } else if (value instanceof String s) {
            escape(s);
        } else {
            // UUIDs, numbers and Instants print in forms Postgres reads back exactly.
            sb.append(value);
        }
        return this;
    }

    CopyRows endRow() {
        sb.append('\n');
        rowStarted = false;
        return this;
    }

    byte[] toBytes() {
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void escape(String s) {
        // Most text needs no escape: appended whole, not char by char (char by char was a seventh of
        // the consumer thread's time, issue 16).
        int first = 0;
        while (first < s.length() && !framing(s.charAt(first))) {
            first++;
        }
        sb.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
    }

    private static boolean framing(char c) {
        return c == '\\' || c == '\t' || c == '\n' || c == '\r';
    }
}
