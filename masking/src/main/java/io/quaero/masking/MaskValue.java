package io.quaero.masking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * What is kept of a value a worker declared secret for one job: never the value itself, but its
 * length, a 24-bit fingerprint and a SHA-256 digest salted with the job's id. That is enough to
 * find every occurrence in a line (a rolling fingerprint over each window of that length, and the
 * digest to confirm a candidate: {@link JobMasks#ranges}), and the same whether it was made from
 * the event in clear (the gateway's live path) or read from {@code job_masks} (after a restart,
 * or a gateway that started reading the job after the event went by).
 *
 * <p>What a reader of the table learns: the length, and a way to test guesses. A random token
 * (API keys, passwords made by a machine) cannot be found from it; a short or dictionary password
 * can, as from any salted hash (docs/SECURITY.md). The salt (the job id) makes equal secrets of
 * two jobs look unrelated.
 *
 * @param length      the value's length in UTF-16 code units
 * @param fingerprint 24 bits of the value's rolling hash ({@link #fingerprintOf}): a cheap filter
 * @param digest      SHA-256 over the salt and the value's UTF-16 code units
 */
public record MaskValue(int length, int fingerprint, byte[] digest) {

    /** Bits of the rolling hash kept: enough to make a digest per window rare, few enough to say little. */
    static final int FINGERPRINT_MASK = (1 << 24) - 1;
    private static final long BASE = 1_000_003L;
    private static final byte[] SALT_PREFIX = "quaero-mask/v1\0".getBytes(StandardCharsets.US_ASCII);

    public MaskValue {
        if (length < 1 || digest.length != 32) {
            throw new IllegalArgumentException("a mask is a length of at least 1 and a 32-byte digest");
        }
        digest = digest.clone();
    }

    /** The mask of {@code value} in job {@code jobId}'s lines. */
    public static MaskValue of(UUID jobId, String value) {
        return new MaskValue(value.length(), fingerprintOf(rollingHash(value, 0, value.length())), digest(jobId, value, 0, value.length()));
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    boolean digestEquals(byte[] other) {
        return MessageDigest.isEqual(digest, other);
    }

    /** The polynomial hash of {@code text[from, from+length)}: sum of c[i]·BASE^(length-1-i), modulo 2^64. */
    static long rollingHash(CharSequence text, int from, int length) {
        long h = 0;
        for (int i = from; i < from + length; i++) {
            h = h * BASE + text.charAt(i);
        }
        return h;
    }

    /** BASE^(length-1) modulo 2^64: what the leaving character weighs in {@link #roll}. */
    static long leadingWeight(int length) {
        long w = 1;
        for (int i = 1; i < length; i++) {
            w *= BASE;
        }
        return w;
    }

    /** The hash of the window one character on: {@code out} leaves, {@code in} enters. */
    static long roll(long hash, char out, char in, long leadingWeight) {
        return (hash - out * leadingWeight) * BASE + in;
    }

    /** Mixed (murmur3's finaliser) so that every bit of the hash counts, then cut to 24 bits. */
    static int fingerprintOf(long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h & FINGERPRINT_MASK);
    }

    /** SHA-256 over the salt and the UTF-16 code units of {@code text[from, from+length)}. */
    static byte[] digest(UUID jobId, CharSequence text, int from, int length) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha.update(SALT_PREFIX);
        sha.update(jobId.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] unit = new byte[2];
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            unit[0] = (byte) (c >> 8);
            unit[1] = (byte) c;
            sha.update(unit);
        }
        return sha.digest();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskValue m && m.length == length && m.fingerprint == fingerprint && Arrays.equals(m.digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    /** No digest in logs: it is a way to test guesses. */
    @Override
    public String toString() {
        return "MaskValue[length=" + length + "]";
    }
}
