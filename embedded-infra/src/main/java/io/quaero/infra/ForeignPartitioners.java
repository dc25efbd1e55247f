package io.quaero.infra;

import java.util.Map;
import java.util.zip.CRC32;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * Other Kafka clients' default partitioners for keyed records, for Java producers in tests and
 * benchmarks that stand in for workers written with those clients.
 */
public final class ForeignPartitioners {

    private ForeignPartitioners() {
    }

    /**
     * librdkafka's default ({@code partitioner=consistent_random}: confluent-kafka-python, -go,
     * -dotnet, kcat): CRC32 of the key, modulo the partition count.
     */
    public static final class Crc32 extends KeyHash {

        /** The partition librdkafka gives {@code key}. */
        public static int partition(byte[] key, int partitions) {
            var crc = new CRC32();
            crc.update(key);
            return (int) (crc.getValue() % partitions);
        }

        @Override
        int of(byte[] key, int partitions) {
            return partition(key, partitions);
        }
    }

    /**
     * Sarama's default ({@code NewHashPartitioner}): 32-bit FNV-1a of the key, as a signed int,
     * modulo the partition count, negated when negative.
     */
    public static final class Fnv1a extends KeyHash {

        /** The partition Sarama gives {@code key}. */
        public static int partition(byte[] key, int partitions) {
            int hash = 0x811c9dc5;
            for (byte b : key) {
                hash ^= b & 0xff;
                hash *= 0x01000193;
            }
            int p = hash % partitions;
            return p < 0 ? -p : p;
        }

        @Override
        int of(byte[] key, int partitions) {
            return partition(key, partitions);
        }
    }

    /** A partitioner that is a function of the key bytes and the partition count. */
    abstract static sealed class KeyHash implements Partitioner permits Crc32, Fnv1a {

        abstract int of(byte[] key, int partitions);

        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
            return of(keyBytes, cluster.partitionCountForTopic(topic));
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
