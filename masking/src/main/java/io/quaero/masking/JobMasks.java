package io.quaero.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The values one job's worker declared secret up to some point of the job's events, in the order
 * declared: immutable, {@link #with} gives the next state. The same state is reached however the
 * events came (stored rows, a Kafka read, the live tail), so every path masks a line alike.
 *
 * <p>Bounded: at most {@value #MAX_PER_JOB} distinct values per job. A value declared again is
 * not counted twice (a producer retry repeats an event); one beyond the bound changes nothing
 * here, on every path alike, and ingest dead-letters its event so the worker can learn why.
 */
public final class JobMasks {

    /** Distinct values one job may declare. */
    public static final int MAX_PER_JOB = 256;

    private final UUID jobId;
    private final List<MaskValue> values;
    /** By length, then by fingerprint: the candidates a window of that length may be. */
    private final Map<Integer, Map<Integer, List<MaskValue>>> byLength;
    /** The fingerprints of each length, sorted: a window is looked up without boxing its fingerprint. */
    private final Map<Integer, int[]> fingerprints;

    private JobMasks(UUID jobId, List<MaskValue> values) {
        this.jobId = jobId;
        this.values = List.copyOf(values);
        this.byLength = new HashMap<>();
        for (MaskValue v : this.values) {
            byLength.computeIfAbsent(v.length(), l -> new HashMap<>()).computeIfAbsent(v.fingerprint(), f -> new ArrayList<>(1)).add(v);
        }
        this.fingerprints = new HashMap<>();
        byLength.forEach((length, byFingerprint) ->
            fingerprints.put(length, byFingerprint.keySet().stream().mapToInt(Integer::intValue).sorted().toArray()));
    }

    /** A job that declared nothing (yet). */
    public static JobMasks none(UUID jobId) {
        return new JobMasks(jobId, List.of());
    }

    /** The job's values as stored, oldest first (at most {@link #MAX_PER_JOB}, no repeats). */
    public static JobMasks of(UUID jobId, List<MaskValue> values) {
        JobMasks masks = none(jobId);
        for (MaskValue v : values) {
            masks = masks.with(v);
        }
        return masks;
    }

    public UUID jobId() {
        return jobId;
    }

    /** Values held. */
    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** True when {@code value} is new here and there is room for it: {@link #with} would add it. */
    public boolean accepts(MaskValue value) {
        return values.size() < MAX_PER_JOB && !values.contains(value);
    }

    /** This state with {@code value} declared next (the same state if it is held already, or full). */
    public JobMasks with(MaskValue value) {
        if (!accepts(value)) {
            return this;
        }
        var next = new ArrayList<>(values);
        next.add(value);
        return new JobMasks(jobId, next);
    }

    /** Marks in {@code mask} every char of {@code text} inside an occurrence of one of the values. */
    void ranges(CharSequence text, BitSet mask) {
        for (var group : byLength.entrySet()) {
            int length = group.getKey();
            if (length > text.length()) {
                continue;
            }
            Map<Integer, List<MaskValue>> candidates = group.getValue();
            int[] known = fingerprints.get(length);
            long weight = MaskValue.leadingWeight(length);
            long hash = MaskValue.rollingHash(text, 0, length);
            for (int start = 0; ; start++) {
                int fingerprint = MaskValue.fingerprintOf(hash);
                if (Arrays.binarySearch(known, fingerprint) >= 0) {
                    List<MaskValue> same = candidates.get(fingerprint);
                    byte[] digest = MaskValue.digest(jobId, text, start, length);
                    if (same.stream().anyMatch(v -> v.digestEquals(digest))) {
                        mask.set(start, start + length);
                    }
                }
                if (start + length >= text.length()) {
                    break;
                }
                hash = MaskValue.roll(hash, text.charAt(start), text.charAt(start + length), weight);
            }
        }
    }
}
