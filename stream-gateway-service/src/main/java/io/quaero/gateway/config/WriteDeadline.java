package io.quaero.gateway.config;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Applies {@code quaero.stream.write-deadline} to the servlet container: Tomcat fails a blocking
 * socket write that waits longer than its connection timeout, so a stream whose client stopped
 * reading ends with the write's {@code SocketTimeoutException} instead of holding its slot (and
 * its full queue) for Tomcat's default minute. It costs nothing per write: the container already
 * keeps this deadline, only its value changes.
 */
@Component
class WriteDeadline implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    private final StreamProperties props;

    WriteDeadline(StreamProperties props) {
        this.props = props;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        int millis = (int) props.writeDeadline().toMillis();
        factory.addConnectorCustomizers(connector -> connector.setProperty("connectionTimeout", Integer.toString(millis)));
    }
}
