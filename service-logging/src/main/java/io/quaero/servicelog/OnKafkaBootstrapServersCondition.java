package io.quaero.servicelog;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code spring.kafka.bootstrap-servers} is set. Deliberately not Boot's default of
 * {@code localhost:9092}: an application that never said where Kafka is would otherwise get a
 * producer that retries a broker that is not there for its whole life. {@code
 * ConditionalOnProperty} is not enough here, since it does not see an indexed list
 * ({@code bootstrap-servers[0]=...}).
 */
class OnKafkaBootstrapServersCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        List<String> servers = SpringKafkaSettings.bootstrapServers(context.getEnvironment());
        var message = ConditionMessage.forCondition("Kafka bootstrap servers");
        return servers.isEmpty()
            ? ConditionOutcome.noMatch(message.didNotFind("property").items(SpringKafkaSettings.BOOTSTRAP_SERVERS))
            : ConditionOutcome.match(message.found("property").items(SpringKafkaSettings.BOOTSTRAP_SERVERS));
    }
}
