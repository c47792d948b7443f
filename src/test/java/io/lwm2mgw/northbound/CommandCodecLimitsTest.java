package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.device.EndpointName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A command's {@code timeout} and {@code ttl} are bounded: no overflowing deadline, no command kept for ever. */
class CommandCodecLimitsTest {

    private final CommandCodec codec = new CommandCodec(new ObjectMapper(), Duration.ofSeconds(30),
            Duration.ofHours(24));

    private CommandCodec.Decoded decode(String document) {
        return codec.decode(document.getBytes(StandardCharsets.UTF_8), Optional.of(EndpointName.of("lamp-1")),
                Optional.of("read"), Optional.empty(), Instant.parse("2026-12-03T08:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"timeout\":1e308", "\"timeout\":2592000.5", "\"ttl\":1e308", "\"timeout\":0",
        "\"timeout\":0.0001", "\"ttl\":-1", "\"timeout\":\"5\""})
    void a_timeout_or_ttl_out_of_bounds_is_invalid(String field) {
        CommandCodec.Decoded decoded = decode("{\"path\":\"/3/0/0\"," + field + "}");

        assertThat(decoded).isInstanceOf(CommandCodec.Decoded.Rejected.class);
        assertThat(((CommandCodec.Decoded.Rejected) decoded).result().error().orElseThrow())
                .contains("must be a number of seconds from 0.001 to 2592000 (30 days)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"timeout\":2592000", "\"ttl\":2592000", "\"timeout\":0.001", "\"timeout\":5"})
    void a_timeout_or_ttl_within_bounds_is_accepted(String field) {
        assertThat(decode("{\"path\":\"/3/0/0\"," + field + "}")).isInstanceOf(CommandCodec.Decoded.Accepted.class);
    }
}
