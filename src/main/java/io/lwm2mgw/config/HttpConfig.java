package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The gateway's own HTTP surface beside health and metrics ({@code gateway.http.*}). */
public interface HttpConfig {

    /** The operator API under {@code /api/v1} and the web console at {@code /}. */
    ApiConfig api();

    interface ApiConfig {

        /** Serves the operator API and the console; health ({@code /q/health}) and metrics stay on either way. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Bearer token every API request must carry ({@code Authorization: Bearer <token>}); mount it from a
         * Secret ({@code GATEWAY_HTTP_API_TOKEN}). Without one the API and console answer only requests from
         * the loopback interface.
         */
        Optional<String> token();

        /**
         * How many documents one Server-Sent Events client may have waiting; a client that falls this far
         * behind is disconnected (the gateway never waits for it).
         */
        @WithDefault("256")
        int sseBuffer();

        /** How long a command's HTTP request waits beyond the command's own timeout for its final result. */
        @WithDefault("2s")
        Duration resultGrace();

        /** Recent events kept per device for the console's history (memory: about 1 KB each). */
        @WithDefault("50")
        int eventsPerDevice();
    }
}
