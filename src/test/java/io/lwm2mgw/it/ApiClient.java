package io.lwm2mgw.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small client of the gateway's operator API for flow tests: JSON in and out, and an SSE reader. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Optional<String> token;

    /** One answer: the status code and the body, parsed when it is JSON. */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    public ApiClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer post(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    /** Posts without waiting for the answer. */
    public java.util.concurrent.CompletableFuture<Answer> postAsync(String path, String body) {
        return http.sendAsync(request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An open Server-Sent Events stream; its lines are collected on a thread of its own until closed. */
    public final class EventStream implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final InputStream body;
        private final Thread reader;

        private EventStream(InputStream body) {
            this.body = body;
            this.reader = new Thread(this::read, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // closed
            }
        }

        public List<String> lines() {
            return lines;
        }

        /** Whether the server ended the stream. */
        public boolean ended() {
            return !reader.isAlive();
        }

        /** The data lines that follow an {@code event:} line of this name, as JSON. */
        public List<JsonNode> data(String event) {
            List<JsonNode> found = new java.util.ArrayList<>();
            List<String> copy = List.copyOf(lines);
            for (int i = 0; i + 1 < copy.size(); i++) {
                if (copy.get(i).equals("event:" + event) || copy.get(i).equals("event: " + event)) {
                    for (int j = i + 1; j < copy.size() && !copy.get(j).isEmpty(); j++) {
                        if (copy.get(j).startsWith("data:")) {
                            try {
                                found.add(JSON.readTree(copy.get(j).substring(5).strip()));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    }
                }
            }
            return found;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    public EventStream events(String query) {
        try {
            HttpResponse<InputStream> response = http.send(request("/api/v1/events" + query)
                    .timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("event stream answered " + response.statusCode());
            }
            return new EventStream(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
