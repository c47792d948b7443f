package io.lwm2mgw.northbound.kafka;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * The command consumer's client settings that follow from the gateway's own configuration. Its group is
 * {@code gateway.kafka.commands-group}; its static group member id is {@code gateway.id}, so a gateway that
 * comes back after a crash (same id: the pod name of a StatefulSet) takes its partitions back at once instead
 * of waiting for the broker to time the dead member out. Two running gateways must not share an id: the broker
 * fences the older one.
 */
@ApplicationScoped
public class CommandConsumerSettings implements ClientCustomizer<Map<String, Object>> {

    private final GatewayConfig config;

    public CommandConsumerSettings(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> clientConfig) {
        if (!KafkaCommandSource.CHANNEL.equals(channel)) {
            return clientConfig;
        }
        Map<String, Object> props = new HashMap<>(clientConfig);
        // kafka.* holds the producer's settings too: the consumer would warn about each one
        KafkaReachability.PRODUCER_ONLY.forEach(props::remove);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().commandsGroup());
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.id());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lwm2m-gateway-commands");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }
}
