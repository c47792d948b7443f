package io.lwm2mgw.domain.command;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of a command, as published. Identity fields are optional because a command whose JSON could
 * not be read still gets a result. {@code error} is the explanation: what went wrong for a failure, the
 * circumstance for a {@code queued} result (published as {@code detail}).
 */
public record CommandResult(
        Optional<String> id,
        Optional<EndpointName> endpoint,
        Optional<String> op,
        Optional<Lwm2mPath> path,
        Instant time,
        CommandStatus status,
        Optional<String> code,
        SortedMap<Lwm2mPath, ResourceValue> values,
        List<DiscoveredLink> links,
        Optional<String> location,
        Optional<String> error,
        Optional<ReplyAddress> replyTo) {

    public CommandResult {
        Objects.requireNonNull(time);
        Objects.requireNonNull(status);
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        links = List.copyOf(links);
    }

    /** A result for a request, with nothing but a status and an optional error. */
    public static CommandResult of(CommandRequest request, Instant time, CommandStatus status, String error) {
        return new CommandResult(Optional.of(request.id()), Optional.of(request.endpoint()),
                Optional.of(request.command().op()), Optional.of(request.command().path()), time, status,
                Optional.empty(), new TreeMap<>(), List.of(), Optional.empty(), Optional.ofNullable(error),
                request.replyTo());
    }

    /** The device answered: {@code success} for 2.xx, {@code device-error} otherwise. */
    public static CommandResult answered(CommandRequest request, Instant time, String code, boolean success,
            SortedMap<Lwm2mPath, ResourceValue> values, List<DiscoveredLink> links, Optional<String> location,
            Optional<String> error) {
        return new CommandResult(Optional.of(request.id()), Optional.of(request.endpoint()),
                Optional.of(request.command().op()), Optional.of(request.command().path()), time,
                success ? CommandStatus.SUCCESS : CommandStatus.DEVICE_ERROR, Optional.of(code), values, links,
                location, success ? Optional.empty() : error.or(() -> Optional.of("device answered " + code)),
                request.replyTo());
    }
}
