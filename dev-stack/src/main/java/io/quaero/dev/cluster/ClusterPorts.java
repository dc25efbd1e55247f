package io.quaero.dev.cluster;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.quaero.infra.FreePorts;

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

    /** Free ports everywhere, for tests that run beside other things. */
    public static ClusterPorts free() {
        return new ClusterPorts(pick(), pick(KAFKA_NODES), pick(KAFKA_NODES), pick(), pick(), pick(),
            pick(INGEST_INSTANCES), pick(GATEWAY_INSTANCES));
    }

    public String kafkaBootstrap() {
        return String.join(",", kafka.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    /** Every port, to check that none is taken before anything starts. */
    List<Integer> all() {
        return Stream.of(List.of(balancer, postgres, jobs, web), kafka, controllers, ingest, gateways)
            .flatMap(List::stream).toList();
    }

    private static List<Integer> pick(int n) {
        return IntStream.range(0, n).mapToObj(i -> pick()).toList();
    }

    private static int pick() {
        return FreePorts.pick();
    }
}
