package io.lwm2mgw.southbound.lwm2m.security;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CredentialSpec;
import io.lwm2mgw.domain.command.DeviceCommand;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code credentials-put} and {@code credentials-delete}: checks the credentials as the credentials file's
 * loader would, hands them to the {@link CredentialStore} (which stores them before they take effect and drops
 * DTLS sessions made with replaced ones) and answers. One log line per change, never key material.
 */
public final class CredentialProvisioning {

    private static final Logger LOG = Logger.getLogger(CredentialProvisioning.class);

    private final CredentialStore store;
    private final Clock clock;

    public CredentialProvisioning(CredentialStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public CommandResult apply(CommandRequest request) {
        String endpoint = request.endpoint().value();
        Optional<String> refused;
        String done;
        try {
            if (request.command() instanceof DeviceCommand.ProvisionCredentials put) {
                DeviceCredentials credentials;
                try {
                    credentials = credentials(endpoint, put.credentials());
                } catch (IllegalArgumentException e) {
                    return invalid(request, e.getMessage());
                }
                refused = store.provision(credentials);
                done = "provisioned " + credentials;
            } else if (request.command() instanceof DeviceCommand.RemoveCredentials) {
                boolean had = store.isProvisioned(endpoint);
                refused = store.deprovision(endpoint);
                done = had ? "removed the provisioned credentials of " + endpoint : null;
            } else {
                return invalid(request, "not a credentials operation");
            }
        } catch (UncheckedIOException e) {
            LOG.errorf("credentials of %s not changed: %s", endpoint, e.getMessage());
            return CommandResult.of(request, clock.instant(), CommandStatus.FAILED, e.getMessage());
        }
        if (refused.isPresent()) {
            return invalid(request, refused.get());
        }
        if (done != null) {
            LOG.info(done);
        }
        return CommandResult.of(request, clock.instant(), CommandStatus.SUCCESS, null);
    }

    private CommandResult invalid(CommandRequest request, String problem) {
        LOG.infof("refused %s for %s: %s", request.command().op(), request.endpoint(), problem);
        return CommandResult.of(request, clock.instant(), CommandStatus.INVALID, problem);
    }

    private static DeviceCredentials credentials(String endpoint, CredentialSpec spec) {
        switch (spec.mode()) {
            case PSK:
                return DeviceCredentials.psk(endpoint, spec.identity().orElseThrow(),
                        Credentials.pskKey(spec.key().orElseThrow(), "'psk.key'"));
            case RPK:
                return DeviceCredentials.rpk(endpoint,
                        Credentials.publicKey(spec.key().orElseThrow(), "credentials-put"));
            default:
                return DeviceCredentials.x509(endpoint, spec.identity().orElse(endpoint));
        }
    }
}
