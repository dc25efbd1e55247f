package io.quaero.bench;

/**
 * Reads an RFC 3339 UTC timestamp ({@code 2026-11-23T10:30:00.123456789Z}, 0 to 9 fraction
 * digits) straight from the bytes of an SSE frame, as epoch microseconds.
 *
 * <p>Why not {@link java.time.Instant#parse}: the clients parse about a million of these a
 * second on the same two cores as the gateway they measure; a String, a parser and an Instant per
 * entry would be client cost charged to the gateway.
 */
final class GatewayTimestamps {

    /** Returned for anything that is not a UTC timestamp of the expected shape. */
    static final long INVALID = Long.MIN_VALUE;

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private GatewayTimestamps() {
    }

    static long epochMicros(byte[] s, int from, int to) {
        // yyyy-MM-ddTHH:mm:ss is 19 bytes, then optional .fraction, then Z.
        if (to - from < 20 || s[from + 4] != '-' || s[from + 7] != '-' || s[from + 10] != 'T'
            || s[from + 13] != ':' || s[from + 16] != ':' || s[to - 1] != 'Z') {
            return INVALID;
        }
        int year = digits(s, from, 4);
        int month = digits(s, from + 5, 2);
        int day = digits(s, from + 8, 2);
        int hour = digits(s, from + 11, 2);
        int minute = digits(s, from + 14, 2);
        int second = digits(s, from + 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return INVALID;
        }
        long micros = 0;
        int fractionEnd = to - 1;
        if (from + 19 < fractionEnd) {
            if (s[from + 19] != '.') {
                return INVALID;
            }
            // Microseconds: the first six fraction digits, right-padded with zeros.
            long scale = 100_000;
            for (int i = from + 20; i < fractionEnd; i++) {
                int d = s[i] - '0';
                if (d < 0 || d > 9) {
                    return INVALID;
                }
                micros += d * scale;
                scale /= 10;
            }
        }
        return daysFromCivil(year, month, day) * MICROS_PER_DAY
            + ((hour * 60L + minute) * 60L + second) * 1_000_000L + micros;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** The decimal number in {@code count} bytes from {@code at}, or -1 if one is not a digit. */
    private static int digits(byte[] s, int at, int count) {
        int n = 0;
        for (int i = at; i < at + count; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }
}
