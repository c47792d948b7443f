package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 4: after a {@code kill -9} the restarted gateway takes Kafka commands at once. Without
 * static membership the group waits for the dead member's session to time out (about a minute) before it
 * assigns the partitions again; with {@code group.instance.id} from {@code gateway.id} the new life gets them
 * back as soon as it joins. Prints the figure: restart to the first command's result.
 */
class KafkaCommandsAfterCrashIT {

    private static final Duration FLOWING = Duration.ofSeconds(5);
    /** Long enough to tell "a little late" from "waits for the dead member's session timeout". */
    private static final Duration GIVE_UP = Duration.ofSeconds(20);

    @Test
    void kafka_commands_flow_within_five_seconds_of_a_restart_after_a_kill() throws Exception {
        String suffix = "-" + Long.toHexString(System.nanoTime());
        String commands = "it.commands" + suffix;
        String results = "it.command-results" + suffix;
        try (RestartableGateway gateway = new RestartableGateway("gw-kafka", TestBrokers.mqttPort(),
                "-Dkafka.bootstrap.servers=" + TestBrokers.kafkaBootstrap(), "-Dkafka.auto.offset.reset=earliest",
                "-Dgateway.kafka.commands-group=it-group" + suffix, "-Dgateway.kafka.commands-topic=" + commands,
                "-Dgateway.kafka.command-results-topic=" + results, "-Dgateway.kafka.status-topic=it.status" + suffix,
                "-Dgateway.kafka.events-topic=it.events" + suffix, "-Dgateway.kafka.telemetry-topic=it.telemetry" + suffix,
                "-Dgateway.kafka.campaigns-topic=it.campaigns" + suffix,
                "-Dgateway.kafka.campaign-status-topic=it.campaign-status" + suffix);
                KafkaProbe kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), results);
                KafkaProducer<String, byte[]> producer = producer()) {
            gateway.start();
            String endpoint = "kafka-" + gateway.id();
            try (TestDevice device = givenDevice(endpoint).registeredAt(gateway.coapPort())) {
                send(producer, commands, endpoint, "k-before");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(result(kafka, "k-before"))
                        .as("the first life takes commands\n%s", gateway.allOutput()).hasValue("success"));

                gateway.kill();
                send(producer, commands, endpoint, "k-after"); // waits at the broker while no gateway runs
                long restarted = System.nanoTime();
                Duration toReady = gateway.start();
                long ready = System.nanoTime();
                try {
                    await().atMost(GIVE_UP).pollInterval(Duration.ofMillis(50))
                            .until(() -> result(kafka, "k-after").isPresent());
                } catch (ConditionTimeoutException e) {
                    System.out.printf("restart to first Kafka command result: none within %d s of readiness (start to"
                            + " ready %d ms)%n", GIVE_UP.toSeconds(), toReady.toMillis());
                    throw e;
                }
                long answered = System.nanoTime();
                Duration fromReady = Duration.ofNanos(answered - ready);
                System.out.printf("restart to first Kafka command result: %d ms after the process started, %d ms after"
                        + " readiness (start to ready %d ms)%n", Duration.ofNanos(answered - restarted).toMillis(),
                        fromReady.toMillis(), toReady.toMillis());
                assertThat(result(kafka, "k-after")).hasValue("success");
                assertThat(fromReady).as("from readiness to the first Kafka command's result\n%s", gateway.output())
                        .isLessThan(FLOWING);
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String endpoint, String id)
            throws Exception {
        String document = "{\"id\":\"" + id + "\",\"endpoint\":\"" + endpoint + "\",\"op\":\"read\",\"path\":\"/3/0/0\"}";
        producer.send(new ProducerRecord<>(topic, endpoint, document.getBytes(StandardCharsets.UTF_8))).get();
    }

    private static Optional<String> result(KafkaProbe kafka, String id) {
        return kafka.all().stream().map(KafkaProbe.Record::json).filter(r -> id.equals(r.path("id").asText()))
                .map(r -> r.path("status").asText()).findFirst();
    }
}
