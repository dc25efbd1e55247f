package io.quaero.infra;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a test's application context at the shared real Kafka and Postgres of this JVM:
 * {@code @ContextConfiguration(initializers = RealInfrastructure.class)} next to
 * {@code @SpringBootTest}. The infrastructure starts on first use and is shared by every context.
 */
public final class RealInfrastructure implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        var properties = TestInfrastructure.shared().endpoints().springProperties();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("quaero-test-infrastructure", properties));
        // At JVM exit the context must stop before the broker and the database it uses.
        TestInfrastructure.closeBeforeShutdown(context);
    }
}
