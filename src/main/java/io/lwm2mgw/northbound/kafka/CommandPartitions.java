package io.lwm2mgw.northbound.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/** The command consumer's partitions: logs each assignment and tells whether it has any. */
@ApplicationScoped
@Identifier(KafkaCommandSource.CHANNEL)
public class CommandPartitions implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(CommandPartitions.class);

    private volatile boolean assigned;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // a cooperative rebalance hands over only the new partitions: ask the consumer for all it holds
        assigned = !consumer.assignment().isEmpty();
        LOG.infof("taking Kafka commands from %s", partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned = false;
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned = false;
    }

    /** Whether the consumer has its partitions. */
    boolean assigned() {
        return assigned;
    }
}
