package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deduplication store under the notification rate that filled the heap: many devices sending many
 * messages each, kept per device, in total and in time.
 */
class BoundedDeduplicatorTest {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static Exchange received(CoAP.Type type, InetSocketAddress peer) {
        Request request = Request.newPost();
        request.setType(type);
        return new Exchange(request, peer, Exchange.Origin.REMOTE, Runnable::run);
    }

    private static InetSocketAddress device(int i) {
        return new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 5683);
    }

    @Test
    void a_retransmission_finds_the_first_exchange_and_a_new_id_does_not() {
        BoundedDeduplicator store = new BoundedDeduplicator(8, 1000, 60_000, 30_000, 5_000);
        Exchange first = received(CoAP.Type.CON, device(1));

        assertThat(store.findPrevious(new KeyMID(7, device(1)), first)).isNull();
        assertThat(store.findPrevious(new KeyMID(7, device(1)), received(CoAP.Type.CON, device(1)))).isSameAs(first);
        assertThat(store.find(new KeyMID(7, device(1)))).isSameAs(first);
        assertThat(store.find(new KeyMID(8, device(1)))).isNull();
        assertThat(store.find(new KeyMID(7, device(2)))).as("another device's id").isNull();
    }

    @Test
    void a_chatty_device_keeps_only_its_last_entries() {
        BoundedDeduplicator store = new BoundedDeduplicator(8, 100_000, 247_000, 145_000, 5_000);
        for (int mid = 0; mid < 1000; mid++) {
            store.findPrevious(new KeyMID(mid, device(1)), received(CoAP.Type.NON, device(1)));
        }

        assertThat(store.size()).isEqualTo(8);
        assertThat(store.find(new KeyMID(999, device(1)))).as("the newest stays").isNotNull();
        assertThat(store.find(new KeyMID(0, device(1)))).isNull();
        assertThat(store.evictedEarly()).isEqualTo(992);
    }

    @Test
    void a_fleet_notifying_at_once_never_exceeds_the_total() {
        BoundedDeduplicator store = new BoundedDeduplicator(8, 5_000, 247_000, 145_000, 5_000);
        for (int round = 0; round < 20; round++) {
            for (int d = 0; d < 2_000; d++) {
                store.findPrevious(new KeyMID(round, device(d)), received(CoAP.Type.NON, device(d)));
                assertThat(store.size()).isLessThanOrEqualTo(5_000);
            }
        }

        assertThat(store.size()).isEqualTo(5_000);
        assertThat(store.find(new KeyMID(19, device(1_999)))).as("the newest stays").isNotNull();
    }

    @Test
    void non_entries_go_after_the_non_lifetime_and_con_entries_after_the_exchange_lifetime() {
        BoundedDeduplicator store = new BoundedDeduplicator(8, 1000, 60_000, 200, 50);
        store.setExecutor(executor);
        store.start();
        store.findPrevious(new KeyMID(1, device(1)), received(CoAP.Type.NON, device(1)));
        store.findPrevious(new KeyMID(2, device(1)), received(CoAP.Type.CON, device(1)));

        await().atMost(Duration.ofSeconds(5)).until(() -> store.size() == 1);
        assertThat(store.find(new KeyMID(1, device(1)))).isNull();
        assertThat(store.find(new KeyMID(2, device(1)))).isNotNull();
        store.stop();
    }
}
