package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;
import org.junit.jupiter.api.Test;

class UnknownPskLogTest {

    private static PskSecretResult ask(UnknownPskLog store, String identity) {
        return store.requestPskSecretResult(new ConnectionId(new byte[] {1}), null, new PskPublicInformation(identity),
                "HmacSHA256", null, new byte[32], false);
    }

    @Test
    void an_unknown_identity_is_logged_once_per_interval_and_a_known_one_never() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-23T08:00:00Z"));
        UnknownPskLog store = new UnknownPskLog(
                new SinglePskStore("known", "secret".getBytes(StandardCharsets.UTF_8)), Duration.ofMinutes(10), clock);

        assertThat(ask(store, "known").getSecret()).isNotNull();
        assertThat(store.logged).hasValue(0);

        assertThat(ask(store, "stranger").getSecret()).isNull();
        assertThat(ask(store, "stranger").getSecret()).isNull();
        assertThat(store.logged).as("the same identity again within the interval").hasValue(1);
        assertThat(ask(store, "other").getSecret()).isNull();
        assertThat(store.logged).hasValue(2);

        clock.advance(Duration.ofMinutes(11));
        ask(store, "stranger");
        assertThat(store.logged).hasValue(3);
    }
}
