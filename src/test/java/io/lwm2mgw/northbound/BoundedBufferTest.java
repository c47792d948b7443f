package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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

class BoundedBufferTest {

    @Test
    void hands_out_elements_in_offer_order() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(10);
        buffer.offer("a");
        buffer.offer("b");
        buffer.offer("c");

        assertThat(drain(buffer)).containsExactly("a", "b", "c");
        assertThat(buffer.size()).isZero();
    }

    @Test
    void drops_the_oldest_when_full_and_counts_it() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(2);

        assertThat(buffer.offer("a")).isFalse();
        assertThat(buffer.offer("b")).isFalse();
        assertThat(buffer.offer("c")).isTrue();
        assertThat(buffer.offer("d")).isTrue();

        assertThat(buffer.dropped()).isEqualTo(2);
        assertThat(buffer.size()).isEqualTo(buffer.capacity()).isEqualTo(2);
        assertThat(drain(buffer)).containsExactly("c", "d");
    }

    @Test
    void return_to_head_puts_an_undelivered_element_first_and_never_drops() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);
        buffer.offer("a");
        String taken = buffer.poll(0, TimeUnit.MILLISECONDS);
        buffer.offer("b");

        buffer.returnToHead(taken);

        assertThat(buffer.dropped()).isZero();
        assertThat(drain(buffer)).containsExactly("a", "b");
    }

    @Test
    void poll_returns_null_when_nothing_arrives_within_the_timeout() throws InterruptedException {
        BoundedBuffer<String> buffer = new BoundedBuffer<>(1);

        assertThat(buffer.poll(0, TimeUnit.MILLISECONDS)).isNull();
        assertThat(buffer.poll(20, TimeUnit.MILLISECONDS)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejects_a_capacity_below_one(int capacity) {
        assertThatIllegalArgumentException().isThrownBy(() -> new BoundedBuffer<>(capacity))
                .withMessageContaining("at least 1");
    }

    @Test
    void loses_nothing_from_concurrent_producers_when_capacity_suffices() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        BoundedBuffer<int[]> buffer = new BoundedBuffer<>(producers * perProducer);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        buffer.offer(new int[] {producer, i});
                    }
                    return null;
                }));
            }
            start.countDown();

            // the test thread is the single consumer, taking while the producers still offer
            int[] nextExpected = new int[producers];
            for (int received = 0; received < producers * perProducer; received++) {
                int[] element = buffer.poll(10, TimeUnit.SECONDS);
                assertThat(element).as("element %d of %d", received, producers * perProducer).isNotNull();
                assertThat(element[1]).as("order of producer %d", element[0]).isEqualTo(nextExpected[element[0]]);
                nextExpected[element[0]]++;
            }
            for (Future<?> f : running) {
                f.get(10, TimeUnit.SECONDS);
            }

            assertThat(nextExpected).containsOnly(perProducer);
            assertThat(buffer.dropped()).isZero();
            assertThat(buffer.poll(0, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> List<T> drain(BoundedBuffer<T> buffer) throws InterruptedException {
        List<T> out = new ArrayList<>();
        for (T e = buffer.poll(0, TimeUnit.MILLISECONDS); e != null; e = buffer.poll(0, TimeUnit.MILLISECONDS)) {
            out.add(e);
        }
        return out;
    }
}
