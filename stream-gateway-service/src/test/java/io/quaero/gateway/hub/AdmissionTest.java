package io.quaero.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.quaero.access.Caller;
import io.quaero.access.Role;
import io.quaero.access.limits.Client;
import org.junit.jupiter.api.Test;

/**
 * Who may open a stream: the instance's budget and each user's and each address's, one slot per
 * stream, given back exactly once. Over HTTP, against the real stack: dev-stack {@code Issue14LimitsTest}.
 */
class AdmissionTest {

    /** 5 streams on the instance, 2 per user, 3 per address. */
    private final Admission admission = new Admission(5, 2, 3);

    @Test
    void aUserPastTheirStreamsIsRefusedNamingTheUserAndAnotherUserIsNot() {
        admission.admit(alice("198.51.100.1"));
        admission.admit(alice("198.51.100.2"));
        assertThatThrownBy(() -> admission.admit(alice("198.51.100.3")))
            .isInstanceOfSatisfying(TooManyConnectionsException.class, e -> assertThat(e.limit()).isEqualTo(Admission.Limit.USER))
            .hasMessageContaining("user alice has 2 streams open");
        admission.admit(bob("198.51.100.1"));
        assertThat(admission.open()).isEqualTo(3);
    }

    @Test
    void anAddressPastItsStreamsIsRefusedWhoeverAsks() {
        admission.admit(alice("203.0.113.7"));
        admission.admit(bob("203.0.113.7"));
        admission.admit(carol("203.0.113.7"));
        assertThatThrownBy(() -> admission.admit(dave("203.0.113.7")))
            .isInstanceOfSatisfying(TooManyConnectionsException.class, e -> assertThat(e.limit()).isEqualTo(Admission.Limit.ADDRESS))
            .hasMessageContaining("address 203.0.113.7");
        admission.admit(dave("203.0.113.8"));
    }

    @Test
    void theInstanceBudgetCountsEveryoneExemptOrNot() {
        for (int i = 0; i < 5; i++) {
            admission.admit(exempt("203.0.113.1"));
        }
        assertThatThrownBy(() -> admission.admit(alice("198.51.100.1")))
            .isInstanceOfSatisfying(TooManyConnectionsException.class, e -> assertThat(e.limit()).isEqualTo(Admission.Limit.INSTANCE));
    }

    @Test
    void anExemptUserIsCountedNeitherAsAUserNorAtTheirAddress() {
        admission.admit(exempt("203.0.113.1"));
        admission.admit(exempt("203.0.113.1"));
        admission.admit(exempt("203.0.113.1"));
        assertThat(admission.usersCounted()).isZero();
        assertThat(admission.addressesCounted()).isZero();
        // The address still has its three streams for everyone else.
        admission.admit(alice("203.0.113.1"));
        admission.admit(bob("203.0.113.1"));
    }

    @Test
    void aSlotComesBackExactlyOnceHoweverOftenItsEndIsReported() {
        Admission.Ticket first = admission.admit(alice("198.51.100.1"));
        admission.admit(alice("198.51.100.1"));
        first.release();
        first.release();
        first.release();
        assertThat(admission.open()).isEqualTo(1);
        admission.admit(alice("198.51.100.1"));
        assertThatThrownBy(() -> admission.admit(alice("198.51.100.1"))).isInstanceOf(TooManyConnectionsException.class);
    }

    @Test
    void theCountersHoldOnlyWhoHasStreamsOpen() {
        List<Admission.Ticket> tickets = new ArrayList<>();
        tickets.add(admission.admit(alice("198.51.100.1")));
        tickets.add(admission.admit(bob("198.51.100.2")));
        tickets.add(admission.admit(bob("198.51.100.3")));
        assertThat(admission.usersCounted()).isEqualTo(2);
        assertThat(admission.addressesCounted()).isEqualTo(3);
        tickets.forEach(Admission.Ticket::release);
        assertThat(admission.open()).isZero();
        assertThat(admission.usersCounted()).as("users at zero are removed").isZero();
        assertThat(admission.addressesCounted()).as("addresses at zero are removed").isZero();
    }

    @Test
    void aRefusedStreamTakesNothing() {
        admission.admit(alice("198.51.100.1"));
        admission.admit(alice("198.51.100.1"));
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> admission.admit(alice("198.51.100.9"))).isInstanceOf(TooManyConnectionsException.class);
        }
        assertThat(admission.open()).isEqualTo(2);
        assertThat(admission.addressesCounted()).isEqualTo(1);
    }

    private static Client alice(String address) {
        return client(1, "alice", address, false);
    }

    private static Client bob(String address) {
        return client(2, "bob", address, false);
    }

    private static Client carol(String address) {
        return client(3, "carol", address, false);
    }

    private static Client dave(String address) {
        return client(4, "dave", address, false);
    }

    private static Client exempt(String address) {
        return client(9, "bench", address, true);
    }

    private static Client client(long id, String name, String address, boolean exempt) {
        return new Client(new Caller(id, name, Role.VIEWER, Set.of("a"), null), InetAddress.ofLiteral(address), exempt);
    }
}
