package io.lwm2mgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** One event-stream client: one send at a time, in order, and a client that stops reading is dropped. */
class SseClientTest {

    /** A connection whose sends complete only when the test says the bytes left. */
    static class Connection implements SseEventSink {
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean closed;

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            sent.add(event.getName() + ":" + event.getData());
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(done);
            return done;
        }

        @Override
        public void close() {
            closed = true;
        }

        void drain() {
            while (pending.stream().anyMatch(f -> !f.isDone())) {
                pending.stream().filter(f -> !f.isDone()).findFirst().orElseThrow().complete(null);
            }
        }
    }

    /** Builds events with a name and data, the way the JAX-RS runtime's builder does. */
    static Sse sse() {
        return (Sse) Proxy.newProxyInstance(SseClientTest.class.getClassLoader(), new Class<?>[] {Sse.class},
                (proxy, method, args) -> {
                    String[] fields = new String[2];
                    AtomicReference<Object> builder = new AtomicReference<>();
                    builder.set(Proxy.newProxyInstance(SseClientTest.class.getClassLoader(),
                            new Class<?>[] {OutboundSseEvent.Builder.class}, (b, m, a) -> {
                                switch (m.getName()) {
                                    case "name" -> fields[0] = (String) a[0];
                                    case "data" -> fields[1] = String.valueOf(a[a.length - 1]);
                                    case "build" -> {
                                        return Proxy.newProxyInstance(SseClientTest.class.getClassLoader(),
                                                new Class<?>[] {OutboundSseEvent.class}, (e, em, ea) -> switch (em
                                                        .getName()) {
                                                    case "getName" -> fields[0];
                                                    case "getData" -> fields[1];
                                                    default -> null;
                                                });
                                    }
                                    default -> { }
                                }
                                return builder.get();
                            }));
                    return builder.get();
                });
    }

    @Test
    void documents_go_out_one_at_a_time_in_order() {
        Connection connection = new Connection();
        SseClient client = new SseClient(connection, sse(), Optional.empty(), 10, (c, why) -> { });
        client.offer("event", "{\"n\":1}");
        client.offer("data", "{\"n\":2}");
        client.offer("event", "{\"n\":3}");
        assertThat(connection.sent).containsExactly("event:{\"n\":1}");
        connection.drain();
        assertThat(connection.sent).containsExactly("event:{\"n\":1}", "data:{\"n\":2}", "event:{\"n\":3}");
    }

    @Test
    void a_client_that_stops_reading_is_disconnected_once_its_buffer_is_full_and_the_offer_returns() {
        Connection connection = new Connection();
        List<String> dropped = new ArrayList<>();
        SseClient client = new SseClient(connection, sse(), Optional.empty(), 3, (c, why) -> dropped.add(why));
        for (int i = 0; i < 10; i++) {
            client.offer("data", "{\"n\":" + i + "}"); // the first is in flight and never completes
        }
        assertThat(connection.closed).isTrue();
        assertThat(dropped).hasSize(1);
        assertThat(dropped.get(0)).contains("behind");
        assertThat(connection.sent).hasSize(1);
    }

    @Test
    void a_client_that_went_away_is_detached_at_the_next_offer() {
        Connection connection = new Connection();
        List<String> dropped = new ArrayList<>();
        SseClient client = new SseClient(connection, sse(), Optional.empty(), 3, (c, why) -> dropped.add(why));
        connection.closed = true;
        client.offer("event", "{}");
        assertThat(dropped).containsExactly("the client went away");
        assertThat(connection.sent).isEmpty();
    }

    @Test
    void a_connection_that_refuses_a_send_is_detached_without_the_offer_failing() {
        Connection connection = new Connection() {
            @Override
            public CompletionStage<?> send(OutboundSseEvent event) {
                throw new IllegalStateException("already closed");
            }
        };
        List<String> dropped = new ArrayList<>();
        SseClient client = new SseClient(connection, sse(), Optional.empty(), 3, (c, why) -> dropped.add(why));
        client.offer("event", "{}");
        client.offer("event", "{}");
        assertThat(dropped).containsExactly("sending failed: already closed");
        assertThat(connection.closed).isTrue();
    }
}
