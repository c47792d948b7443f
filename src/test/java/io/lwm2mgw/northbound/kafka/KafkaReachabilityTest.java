package io.lwm2mgw.northbound.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.it.TestBrokers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** Topic creation against the in-process test Kafka broker. */
class KafkaReachabilityTest {

    @Test
    void a_topic_that_cannot_be_created_is_tried_again_and_does_not_count_as_ensured() throws Exception {
        String good = "rf-ok-" + UUID.randomUUID();
        Map<String, Object> props = Map.of("bootstrap.servers", TestBrokers.kafkaBootstrap());
        try (KafkaReachability reachability = new KafkaReachability(props, List.of(
                new KafkaReachability.TopicSpec(good, false),
                // an illegal name: refused every time, like a topic the ACLs do not let us create
                new KafkaReachability.TopicSpec("not a topic!", false)), Duration.ofMillis(100));
                Admin admin = Admin.create(Map.of("bootstrap.servers", TestBrokers.kafkaBootstrap()))) {
            reachability.start();

            await().atMost(Duration.ofSeconds(20)).until(() -> reachability.topicAttempts() >= 3);
            assertThat(reachability.topicsEnsured()).isFalse();
            assertThat(admin.listTopics().names().get()).contains(good);
        }
    }

    @Test
    void missing_topics_are_created_once_and_then_ensured() {
        String topic = "rf-new-" + UUID.randomUUID();
        Map<String, Object> props = Map.of("bootstrap.servers", TestBrokers.kafkaBootstrap());
        try (KafkaReachability reachability = new KafkaReachability(props,
                List.of(new KafkaReachability.TopicSpec(topic, true)), Duration.ofMillis(100))) {
            reachability.start();

            await().atMost(Duration.ofSeconds(20)).until(reachability::topicsEnsured);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> reachability.topicAttempts() == 1);
        }
    }
}
