package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.app.ContractFormats;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Configuration and records for the state engine's tests, every store folder under one root. */
final class StateFixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ContractFormats FORMATS = new ContractFormats(MAPPER, Duration.ofSeconds(30), Duration.ofHours(24),
            Duration.ofHours(1));

    private StateFixtures() {
    }

    /** The gateway's configuration with every store folder under {@code root}, provisioning on. */
    static GatewayConfig config(Path root, String... more) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "gateway.id", "gw-state",
                "gateway.lwm2m.state-directory", root.resolve("registrations").toString(),
                "gateway.commands.store-directory", root.resolve("commands").toString(),
                "gateway.firmware.campaign-directory", root.resolve("campaigns").toString(),
                "gateway.lwm2m.security.provisioning.enabled", "true",
                "gateway.lwm2m.security.provisioning.directory", root.resolve("credentials").toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "state-test", 500))
                .build().getConfigMapping(GatewayConfig.class);
    }

    static EmbeddedStateBackend open(GatewayConfig config) {
        return new EmbeddedStateBackend(config, MAPPER, new StoreHealth(), FORMATS);
    }

    static CommandRequest command(String endpoint, String id, Instant receivedAt) {
        return new CommandRequest(id, EndpointName.of(endpoint), new DeviceCommand.ReadResource(
                Lwm2mPath.parse("/3/0/9"), Optional.empty()), Duration.ofSeconds(5), Duration.ofHours(1),
                receivedAt, Optional.empty(), false);
    }

    static CommandResult result(String endpoint, String id) {
        return CommandResult.of(command(endpoint, id, Instant.parse("2026-12-03T10:00:00Z")),
                Instant.parse("2026-12-03T10:00:01Z"), CommandStatus.TIMEOUT, "silent");
    }
}
