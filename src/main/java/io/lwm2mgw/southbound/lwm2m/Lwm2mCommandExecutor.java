package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.DiscoveredLink;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.attributes.Attribute;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.exception.ClientSleepingException;
import org.eclipse.leshan.core.request.exception.InvalidRequestException;
import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.eclipse.leshan.core.request.exception.TimeoutException;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DiscoverResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

/**
 * Sends commands to devices: the one place where every {@link DeviceCommand} becomes a Leshan request and
 * every answer or failure becomes a {@link CommandResult}. Never blocks; Leshan calls back on its threads.
 */
final class Lwm2mCommandExecutor {

    private final LeshanServer server;
    private final Clock clock;
    private final Consumer<ObservedValues> observed;

    /**
     * The first values of an observation a command set up (an {@link ObserveResponse} or an
     * {@link ObserveCompositeResponse}); published like any notification.
     */
    record ObservedValues(Registration registration, LwM2mResponse response) { }

    Lwm2mCommandExecutor(LeshanServer server, Clock clock, Consumer<ObservedValues> observed) {
        this.server = server;
        this.clock = clock;
        this.observed = observed;
    }

    /** See {@link io.lwm2mgw.command.DevicePort#execute}. */
    void execute(CommandRequest request, Consumer<CommandResult> done) {
        AtomicBoolean once = new AtomicBoolean();
        Consumer<CommandResult> finish = result -> {
            if (once.compareAndSet(false, true)) {
                done.accept(result);
            }
        };
        Registration reg = server.getRegistrationService().getByEndpoint(request.endpoint().value());
        if (reg == null) {
            finish.accept(CommandResult.of(request, clock.instant(), CommandStatus.NOT_REGISTERED,
                    "no registration for endpoint " + request.endpoint()));
            return;
        }
        DownlinkDeviceManagementRequest<? extends LwM2mResponse> leshanRequest;
        try {
            leshanRequest = request.command().accept(new Lwm2mRequests(server, reg));
        } catch (IllegalArgumentException | InvalidRequestException e) {
            finish.accept(CommandResult.of(request, clock.instant(), CommandStatus.INVALID, e.getMessage()));
            return;
        }
        if (leshanRequest == null) {
            return; // answered already (cancel of an observation the gateway does not hold)
        }
        send(reg, request, leshanRequest, finish);
    }

    private <T extends LwM2mResponse> void send(Registration reg, CommandRequest request,
            DownlinkDeviceManagementRequest<T> leshanRequest, Consumer<CommandResult> finish) {
        try {
            server.send(reg, leshanRequest, request.timeout().toMillis(),
                    response -> {
                        try {
                            finish.accept(answered(reg, request, response));
                        } catch (RuntimeException e) {
                            // a result is owed whatever went wrong while reading the answer
                            finish.accept(failed(request, e));
                        }
                    },
                    error -> finish.accept(failed(request, error)));
        } catch (RuntimeException e) {
            finish.accept(failed(request, e));
        }
    }

    private CommandResult answered(Registration reg, CommandRequest request, LwM2mResponse response) {
        String code = code(response.getCode().getCode());
        SortedMap<Lwm2mPath, ResourceValue> values = new TreeMap<>();
        List<DiscoveredLink> links = List.of();
        Optional<String> location = Optional.empty();
        if (response.isSuccess()) {
            if (response instanceof ObserveResponse observe && observe.getObservation() != null
                    || response instanceof ObserveCompositeResponse composite && composite.getObservation() != null) {
                observed.accept(new ObservedValues(reg, response));
            }
            if (request.command() instanceof DeviceCommand.CancelObservation) {
                // the device stopped notifying; forget the observation here too
                server.getObservationService().cancelObservations(reg, request.command().path().toString());
            } else if (request.command() instanceof DeviceCommand.CancelCompositeObservation cancel) {
                Lwm2mRequests.compositeObservation(server, reg, cancel.paths())
                        .ifPresent(server.getObservationService()::cancelObservation);
            }
            if (response instanceof ReadResponse read && read.getContent() != null) {
                values.putAll(NodeValueMapper.flatten(request.command().path(), read.getContent()));
            } else if (response instanceof ObserveResponse observe && observe.getContent() != null) {
                values.putAll(NodeValueMapper.flatten(request.command().path(), observe.getContent()));
            } else if (response instanceof ReadCompositeResponse composite && composite.getContent() != null) {
                // read-composite and observe-composite: values by full path, each path's node flattened
                composite.getContent().forEach((p, node) -> {
                    if (node != null) {
                        values.putAll(NodeValueMapper.flatten(NotificationListener.toDomain(p), node));
                    }
                });
            } else if (response instanceof DiscoverResponse discover) {
                links = links(discover.getObjectLinks());
            } else if (response instanceof CreateResponse create) {
                // Leshan gives the Location-Path as "3311/1": the contract writes LwM2M paths with a leading slash
                location = Optional.ofNullable(create.getLocation()).map(l -> l.startsWith("/") ? l : "/" + l)
                        .or(() -> request.command().path().depth() == 2
                                ? Optional.of(request.command().path().toString()) : Optional.empty());
            }
        }
        // the device's diagnostic payload, when it sent one, after the code's meaning
        Optional<String> diagnostic = Optional.ofNullable(response.getErrorMessage()).filter(m -> !m.isBlank());
        Optional<String> error = response.isSuccess() ? Optional.empty() : Optional.of(
                io.lwm2mgw.domain.command.CoapCodes.describe(response.getCode().getCode())
                        + diagnostic.map(d -> ": " + d).orElse(""));
        return CommandResult.answered(request, clock.instant(), code, response.isSuccess(), values, links, location,
                error);
    }

    private static List<DiscoveredLink> links(Link[] links) {
        List<DiscoveredLink> result = new ArrayList<>();
        if (links != null) {
            for (Link link : links) {
                Map<String, String> attributes = new LinkedHashMap<>();
                for (Attribute attribute : link.getAttributes()) {
                    attributes.put(attribute.getName(), attribute.getCoreLinkValue() == null ? ""
                            : unquote(attribute.getCoreLinkValue()));
                }
                result.add(new DiscoveredLink(link.getUriReference(), attributes));
            }
        }
        return result;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** Leshan's code (205) as the contract writes CoAP codes (2.05). */
    static String code(int code) {
        return io.lwm2mgw.domain.command.CoapCodes.dotted(code);
    }

    private CommandResult failed(CommandRequest request, Exception error) {
        CommandStatus status;
        String message;
        if (error instanceof TimeoutException) {
            status = CommandStatus.TIMEOUT;
            message = "no answer from the device within " + request.timeout().toMillis() + " ms";
        } else if (error instanceof RequestCanceledException) {
            status = CommandStatus.CANCELLED;
            message = "cancelled: " + error.getMessage();
        } else if (error instanceof ClientSleepingException) {
            // not final: the router keeps the command until the device wakes up
            status = CommandStatus.QUEUED;
            message = "the device is sleeping";
        } else if (error instanceof InvalidRequestException) {
            status = CommandStatus.INVALID;
            message = error.getMessage();
        } else {
            status = CommandStatus.FAILED;
            message = error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        return CommandResult.of(request, clock.instant(), status, message);
    }
}
