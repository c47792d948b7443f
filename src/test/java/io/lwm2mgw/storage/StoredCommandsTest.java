package io.lwm2mgw.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A stored command reads back as the same request, composite ops included. */
class StoredCommandsTest {

    private static final Lwm2mPath DIMMER = Lwm2mPath.parse("/3311/0/5851");
    private static final Lwm2mPath DEVICE = Lwm2mPath.parse("/3/0");

    static List<DeviceCommand> commands() {
        return List.of(
                new DeviceCommand.ReadResource(DIMMER, Optional.of("tlv")),
                new DeviceCommand.ReadComposite(List.of(DIMMER, DEVICE), Optional.of("senml-json")),
                new DeviceCommand.WriteComposite(Map.of(DIMMER, new CommandValue.Number(new BigDecimal("40")),
                        Lwm2mPath.parse("/3/0/14"), new CommandValue.Text("+07")), Optional.empty()),
                new DeviceCommand.ObserveComposite(List.of(DEVICE, DIMMER), Optional.empty()),
                new DeviceCommand.CancelCompositeObservation(List.of(DIMMER, DEVICE)));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void reads_back_what_it_wrote(DeviceCommand command) {
        CommandRequest request = new CommandRequest("c-1", EndpointName.of("lamp-1"), command, Duration.ofSeconds(5),
                Duration.ofHours(1), Instant.parse("2026-12-03T10:00:00Z"), Optional.empty(), false);

        CommandRequest back = StoredCommands.read(StoredCommands.write(request));

        assertThat(back).isEqualTo(request);
        if (command instanceof DeviceCommand.Composite composite) {
            assertThat(((DeviceCommand.Composite) back.command()).paths()).as("paths keep their order")
                    .containsExactlyElementsOf(composite.paths());
        }
    }
}
