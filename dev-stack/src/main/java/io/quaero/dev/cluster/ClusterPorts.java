package io.quaero.dev.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;


/**
 * Every port of a cluster, all on loopback. An operator's cluster uses fixed ports (so a broker or
 * a gateway restarted by hand comes back where its peers and nginx expect it); tests take free ones.
 *
 * @param balancer    nginx, HTTPS and HTTP/2: the one origin browsers and scripts use
 * @param kafka       each Kafka node's client port
 * @param controllers each Kafka node's controller (quorum) port
 */
public record ClusterPorts(int balancer, List<Integer> kafka, List<Integer> controllers, int postgres,
                           int jobs, int web, List<Integer> ingest, List<Integer> gateways) {

    public static final int KAFKA_NODES = 3;
    public static final int INGEST_INSTANCES = 2;
    public static final int GATEWAY_INSTANCES = 3;

    public ClusterPorts {
        kafka = List.copyOf(kafka);
        controllers = List.copyOf(controllers);
        ingest = List.copyOf(ingest);
        gateways = List.copyOf(gateways);
    }

    /** The operator's layout: the balancer where asked, the rest at 19092.., 15432 and 18080... */
    public static ClusterPorts fixed(int balancer) {
        return new ClusterPorts(balancer, List.of(19092, 19093, 19094), List.of(19192, 19193, 19194), 15432,
            18083, 18080, List.of(18082, 18182), List.of(18081, 18181, 18281));
    }

    /**
     * Free ports everywhere, for tests that run beside other things. Taken below Linux's ephemeral
     * range (32768 and up): a port the kernel hands out for outgoing connections — the Kafka nodes
     * make many to each other while the cluster starts — could be taken between the pick and the
     * bind (seen: a controller port lost that way).
     */
    public static ClusterPorts free() {
        var next = new int[] {ThreadLocalRandom.current().nextInt(20_000, 30_000)};
        IntSupplier pick = () -> {
            while (!isFree(next[0])) {
                next[0]++;
            }
            return next[0]++;
        };
        return new ClusterPorts(pick.getAsInt(), pick(pick, KAFKA_NODES), pick(pick, KAFKA_NODES), pick.getAsInt(),
            pick.getAsInt(), pick.getAsInt(), pick(pick, INGEST_INSTANCES), pick(pick, GATEWAY_INSTANCES));
    }

    public String kafkaBootstrap() {
        return String.join(",", kafka.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** Every port, to check that none is taken before anything starts. */
    List<Integer> all() {
        return Stream.of(List.of(balancer, postgres, jobs, web), kafka, controllers, ingest, gateways)
            .flatMap(List::stream).toList();
    }

    private static List<Integer> pick(IntSupplier pick, int n) {
        return IntStream.range(0, n).mapToObj(i -> pick.getAsInt()).toList();
    }

    /** One more free port below the ephemeral range (a gateway added to a running cluster). */
    static int pickOne() {
        int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
        while (!isFree(port)) {
            port++;
        }
        return port;
    }

    private static boolean isFree(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
