package io.lwm2mgw.northbound.kafka;

import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * The outbound channel's producer gets the sink's settings ({@link KafkaSink#producerProperties}: every
 * {@code kafka.*} property, then idempotence, {@code acks=all}, a 5 ms linger, a day's delivery timeout, and
 * sends that wait for the cluster instead of giving records back). The channel's {@code retries=0} stops the
 * connector from resending a failed record out of order; the producer itself keeps Kafka's default retries
 * unless {@code kafka.retries} says otherwise (an idempotent producer refuses none).
 */
@ApplicationScoped
public class OutboundProducerSettings implements ClientCustomizer<Map<String, Object>> {

    private final Map<String, Object> clientProperties;

    public OutboundProducerSettings(Config mpConfig) {
        this.clientProperties = KafkaSink.kafkaProperties(mpConfig);
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> clientConfig) {
        if (!ConnectorRecordSender.CHANNEL.equals(channel)) {
            return clientConfig;
        }
        Map<String, Object> props = new HashMap<>(clientConfig);
        if (!clientProperties.containsKey(ProducerConfig.RETRIES_CONFIG)) {
            props.remove(ProducerConfig.RETRIES_CONFIG);
        }
        props.putAll(KafkaSink.producerProperties(clientProperties,
                String.valueOf(clientConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG))));
        return props;
    }
}
