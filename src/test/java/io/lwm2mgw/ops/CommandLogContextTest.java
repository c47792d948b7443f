package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/** A command's endpoint, id and op are in the MDC within its block, and what was there before comes back. */
class CommandLogContextTest {

    private static CommandRequest read(String id, String endpoint) {
        return new CommandRequest(id, EndpointName.of(endpoint),
                new DeviceCommand.ReadResource(Lwm2mPath.parse("/3/0"), Optional.empty()), Duration.ofSeconds(5),
                Duration.ofMinutes(1), Instant.EPOCH, Optional.empty());
    }

    @Test
    void fields_are_set_within_the_block_and_restored_after_it_even_when_nested() {
        MDC.remove("endpoint");
        MDC.remove("commandId");
        MDC.remove("op");
        try (CommandLogContext outer = CommandLogContext.of(read("c-1", "lamp-1"))) {
            assertThat(MDC.get("endpoint")).isEqualTo("lamp-1");
            assertThat(MDC.get("commandId")).isEqualTo("c-1");
            assertThat(MDC.get("op")).isEqualTo("read");
            try (CommandLogContext inner = CommandLogContext.of(read("c-2", "lamp-2"))) {
                assertThat(MDC.get("commandId")).isEqualTo("c-2");
            }
            assertThat(MDC.get("commandId")).isEqualTo("c-1");
            assertThat(MDC.get("endpoint")).isEqualTo("lamp-1");
        }
        assertThat(MDC.get("endpoint")).isNull();
        assertThat(MDC.get("commandId")).isNull();
        assertThat(MDC.get("op")).isNull();
    }
}
