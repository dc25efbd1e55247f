package io.quaero.access.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

/**
 * Which address a request's limits count, by the rule of {@link Clients}: the socket's peer,
 * unless that peer is a trusted proxy; then {@code X-Forwarded-For} from the right, past the
 * trusted proxies. The real stack's proof is dev-stack {@code Issue14LimitsTest}; this covers the
 * header's forms.
 */
class ClientsTest {

    /** nginx on loopback, and an inner balancer tier on 10.0.0.0/8. */
    private final Clients clients = new Clients(new LimitsProperties(
        List.of(AddressRange.valueOf("127.0.0.1/32"), AddressRange.valueOf("10.0.0.0/8"), AddressRange.valueOf("::1")),
        Set.of(), DataSize.ofKilobytes(64)));

    @ParameterizedTest(name = "from {0}, X-Forwarded-For \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
        // Not from a trusted proxy: the header is the client's own words and is ignored.
        "203.0.113.9 | 198.51.100.1          | 203.0.113.9",
        "203.0.113.9 |                       | 203.0.113.9",
        // From the balancer: the hop it appended, never the client-written ones before it.
        "127.0.0.1   | 198.51.100.1          | 198.51.100.1",
        "127.0.0.1   | 6.6.6.6, 198.51.100.1 | 198.51.100.1",
        "127.0.0.1   | 6.6.6.6,198.51.100.1  | 198.51.100.1",
        // Two tiers of balancers: both skipped.
        "127.0.0.1   | 6.6.6.6, 198.51.100.1, 10.1.2.3 | 198.51.100.1",
        // A client that writes a trusted address first gains nothing: the walk stops at the first untrusted hop.
        "127.0.0.1   | 10.9.9.9, 198.51.100.1 | 198.51.100.1",
        // Every hop trusted (the balancer's own request): the outermost.
        "127.0.0.1   | 10.1.2.3              | 10.1.2.3",
        // A balancer that sent no header: the balancer.
        "127.0.0.1   |                       | 127.0.0.1",
        // Not an address where the balancer should have written one: the last trusted hop.
        "127.0.0.1   | 198.51.100.1, unknown | 127.0.0.1",
        "127.0.0.1   | 198.51.100.1:4444     | 127.0.0.1",
        "127.0.0.1   | localhost             | 127.0.0.1",
        // IPv6, bracketed or not, and an IPv4 address written as IPv6 is that IPv4 address.
        "::1         | [2001:db8::7]         | 2001:db8:0:0:0:0:0:7",
        "127.0.0.1   | ::ffff:198.51.100.1   | 198.51.100.1",
    })
    void theCountedAddress(String peer, String forwardedFor, String expected) throws Exception {
        var request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        if (forwardedFor != null) {
            request.addHeader("X-Forwarded-For", forwardedFor);
        }
        assertThat(clients.address(request)).isEqualTo(InetAddress.ofLiteral(expected));
    }

    @Test
    void aProxyThatAddsALineInsteadOfAppendingIsReadInOrder() {
        var request = new MockHttpServletRequest();
        request.setRemoteAddr("127.0.0.1");
        request.addHeader("X-Forwarded-For", "6.6.6.6");
        request.addHeader("X-Forwarded-For", "198.51.100.1");
        assertThat(clients.address(request).getHostAddress()).isEqualTo("198.51.100.1");
    }

    @Test
    void withNoTrustedProxyTheHeaderIsNeverRead() {
        var untrusting = new Clients(new LimitsProperties(List.of(), Set.of(), DataSize.ofKilobytes(64)));
        var request = new MockHttpServletRequest();
        request.setRemoteAddr("127.0.0.1");
        request.addHeader("X-Forwarded-For", "198.51.100.1");
        assertThat(untrusting.address(request).getHostAddress()).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8,      10.255.1.2,    true",
        "10.0.0.0/8,      11.0.0.1,      false",
        "192.168.4.0/22,  192.168.7.255, true",
        "192.168.4.0/22,  192.168.8.0,   false",
        "127.0.0.1,       127.0.0.1,     true",
        "127.0.0.1,       127.0.0.2,     false",
        "0.0.0.0/0,       8.8.8.8,       true",
        "::1/128,         ::1,           true",
        "fd00::/8,        fd12::1,       true",
        "fd00::/8,        fe80::1,       false",
        "0.0.0.0/0,       ::1,           false",
    })
    void addressRanges(String range, String address, boolean contained) {
        assertThat(AddressRange.valueOf(range).contains(InetAddress.ofLiteral(address))).isEqualTo(contained);
    }

    @ParameterizedTest
    @CsvSource({"proxy.example/32", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "''"})
    void aRangeThatIsNotOneIsRefusedNamingIt(String text) {
        assertThatThrownBy(() -> AddressRange.valueOf(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + text + "'");
    }
}
