package io.lwm2mgw.northbound.kafka;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Kafka is on when {@code kafka.bootstrap.servers} is set. This interceptor answers {@value #ENABLED}
 * ({@code true} or {@code false}) and {@value #MESSAGING_LOG_LEVEL}, which application.properties uses to
 * switch the command channel and the Reactive Messaging liveness check off with Kafka (that check would report
 * an empty list of channels) and to silence the warning about the switched-off channel's method. Registered in
 * META-INF/services, so that it sees {@code kafka.bootstrap.servers} from every source, environment included,
 * when the application starts (a value computed at build time would be baked in).
 */
// below the expression interceptor (3300), so that ${lwm2mgw.kafka.enabled} in another property reaches it
@Priority(Priorities.LIBRARY + 250)
public class KafkaSwitch implements ConfigSourceInterceptor {

    private static final long serialVersionUID = 1L;
    static final String ENABLED = "lwm2mgw.kafka.enabled";
    static final String MESSAGING_LOG_LEVEL = "lwm2mgw.kafka.messaging-log-level";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (ENABLED.equals(name)) {
            return value(name, String.valueOf(kafkaOn(context)));
        }
        if (MESSAGING_LOG_LEVEL.equals(name)) {
            return value(name, kafkaOn(context) ? "WARN" : "ERROR");
        }
        return context.proceed(name);
    }

    private static ConfigValue value(String name, String value) {
        return ConfigValue.builder().withName(name).withValue(value).withRawValue(value)
                .withConfigSourceName("kafka-switch").build();
    }

    static boolean kafkaOn(ConfigSourceInterceptorContext context) {
        ConfigValue servers = context.proceed("kafka.bootstrap.servers");
        return servers != null && servers.getValue() != null && !servers.getValue().isBlank();
    }
}
