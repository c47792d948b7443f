package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lwm2mgw.domain.device.EndpointName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundQueueTest {

    @Test
    void hands_out_messages_of_one_channel_in_offer_order() throws InterruptedException {
        OutboundQueue queue = new OutboundQueue(10);
        queue.offer(telemetry("a"));
        queue.offer(telemetry("b"));
        queue.offer(telemetry("c"));

        assertThat(drain(queue)).containsExactly("a", "b", "c");
        assertThat(queue.size()).isZero();
    }

    @Test
    void drops_the_oldest_reading_when_full_counts_it_and_completes_its_stage() throws InterruptedException {
        OutboundQueue queue = new OutboundQueue(2);

        OutboundQueue.Entry a = queue.offer(telemetry("a"));
        queue.offer(telemetry("b"));
        assertThat(queue.takeOverflow()).isFalse();
        queue.offer(telemetry("c"));
        queue.offer(telemetry("d"));

        assertThat(queue.takeOverflow()).as("reported once per episode").isTrue();
        assertThat(queue.takeOverflow()).isFalse();
        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(a.confirmed()).as("nothing waits for a dropped reading").isCompleted();
        assertThat(drain(queue)).containsExactly("c", "d");
    }

    @Test
    void results_and_events_are_never_dropped_while_a_full_telemetry_buffer_drops_readings()
            throws InterruptedException {
        OutboundQueue queue = new OutboundQueue(1);
        OutboundQueue.Entry result = queue.offer(message(OutboundMessage.Channel.RESULT, "result"));
        queue.offer(message(OutboundMessage.Channel.EVENT, "event"));
        for (int i = 0; i < 100; i++) {
            queue.offer(telemetry("t" + i));
        }

        assertThat(queue.dropped()).isEqualTo(99);
        assertThat(result.confirmed()).as("a result waits for its broker's confirmation").isNotDone();
        assertThat(drain(queue)).as("never-dropped messages are taken first").containsExactly("result", "event", "t99");
    }

    @Test
    void return_to_head_puts_an_undelivered_message_first_in_its_channel_and_never_drops()
            throws InterruptedException {
        OutboundQueue queue = new OutboundQueue(1);
        queue.offer(telemetry("a"));
        OutboundQueue.Entry taken = queue.poll(0, TimeUnit.MILLISECONDS);
        queue.offer(telemetry("b"));

        queue.returnToHead(taken);

        assertThat(queue.dropped()).isZero();
        assertThat(drain(queue)).containsExactly("a", "b");
    }

    @Test
    void poll_returns_null_when_nothing_arrives_within_the_timeout() throws InterruptedException {
        OutboundQueue queue = new OutboundQueue(1);

        assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isNull();
        assertThat(queue.poll(20, TimeUnit.MILLISECONDS)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejects_a_capacity_below_one(int capacity) {
        assertThatIllegalArgumentException().isThrownBy(() -> new OutboundQueue(capacity))
                .withMessageContaining("at least 1");
    }

    @Test
    void loses_nothing_from_concurrent_producers_when_capacity_suffices() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        OutboundQueue queue = new OutboundQueue(producers * perProducer);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        queue.offer(telemetry(producer + ":" + i));
                    }
                    return null;
                }));
            }
            start.countDown();

            // the test thread is the single consumer, taking while the producers still offer
            int[] nextExpected = new int[producers];
            for (int received = 0; received < producers * perProducer; received++) {
                OutboundQueue.Entry entry = queue.poll(10, TimeUnit.SECONDS);
                assertThat(entry).as("message %d of %d", received, producers * perProducer).isNotNull();
                String[] parts = entry.message().qualifier().split(":");
                int producer = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).as("order of producer %d", producer)
                        .isEqualTo(nextExpected[producer]);
                nextExpected[producer]++;
            }
            for (Future<?> f : running) {
                f.get(10, TimeUnit.SECONDS);
            }

            assertThat(nextExpected).containsOnly(perProducer);
            assertThat(queue.dropped()).isZero();
            assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    private static OutboundMessage telemetry(String qualifier) {
        return message(OutboundMessage.Channel.TELEMETRY, qualifier);
    }

    private static OutboundMessage message(OutboundMessage.Channel channel, String qualifier) {
        return new OutboundMessage(channel, EndpointName.of("dev-1"), qualifier,
                qualifier.getBytes(StandardCharsets.UTF_8),
                new CloudEventAttributes(qualifier, "/gw", "lwm2m.test", "dev-1", Instant.EPOCH));
    }

    private static List<String> drain(OutboundQueue queue) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (OutboundQueue.Entry e = queue.poll(0, TimeUnit.MILLISECONDS); e != null;
                e = queue.poll(0, TimeUnit.MILLISECONDS)) {
            out.add(e.message().qualifier());
        }
        return out;
    }
}
