package io.lwm2mgw.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.MovableClock;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.northbound.CommandCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link CommandRouter} wired to devices the test drives by hand, a real file store in a temporary folder, a
 * clock the test moves, and a list of the published results. No Quarkus, no sockets.
 */
final class RouterFixture {

    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final HandDevices devices = new HandDevices();
    final List<CommandResult> published = new CopyOnWriteArrayList<>();
    final QueuedCommandStore store;
    final CommandRouter router;

    RouterFixture(Path storeDirectory) {
        this(new FileQueuedCommandStore(storeDirectory, codec(), new ObjectMapper()));
    }

    RouterFixture(QueuedCommandStore store) {
        this(store, Runnable::run);
    }

    /** @param storeWriter runs the router's store writes: at once on the caller, or when the test says */
    RouterFixture(QueuedCommandStore store, java.util.concurrent.Executor storeWriter) {
        this.store = store;
        this.router = new CommandRouter(devices, new NoFirmware(), published::add, store, clock, 3, 1000,
                Duration.ofHours(1), storeWriter);
    }

    /** An executor that runs its tasks only when the test calls {@link #runAll}. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final java.util.Queue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable t; (t = tasks.poll()) != null;) {
                t.run();
            }
        }
    }

    static CommandCodec codec() {
        return new CommandCodec(new ObjectMapper(), Duration.ofSeconds(30), Duration.ofHours(24));
    }

    CommandRequest read(String endpoint, String id) {
        return read(endpoint, id, Optional.empty());
    }

    CommandRequest read(String endpoint, String id, Optional<ReplyAddress> replyTo) {
        return readAt(endpoint, id, replyTo, clock.instant());
    }

    /** A read of /3/0/9 with a 60 s ttl. */
    static CommandRequest readAt(String endpoint, String id, Optional<ReplyAddress> replyTo, Instant receivedAt) {
        return new CommandRequest(id, EndpointName.of(endpoint),
                new DeviceCommand.ReadResource(Lwm2mPath.parse("/3/0/9"), Optional.empty()), Duration.ofSeconds(30),
                Duration.ofSeconds(60), receivedAt, replyTo);
    }

    static Optional<ReplyAddress> replyTo(String topic) {
        return Optional.of(new ReplyAddress(topic, Optional.empty()));
    }

    /** Acknowledgements counted per command. */
    static final class Acks {
        final AtomicInteger count = new AtomicInteger();

        Runnable next() {
            return count::incrementAndGet;
        }
    }

    List<CommandResult> publishedFor(String id) {
        return published.stream().filter(r -> r.id().orElse("").equals(id)).toList();
    }

    List<CommandResult> finalsFor(String id) {
        return publishedFor(id).stream().filter(r -> r.status().isFinal()).toList();
    }

    /** Devices whose answers the test gives: every request waits in {@link #sent} until answered. */
    static final class HandDevices implements DevicePort {
        final Set<EndpointName> sleeping = ConcurrentHashMap.newKeySet();
        final Set<EndpointName> unregistered = ConcurrentHashMap.newKeySet();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile PresenceObserver observer;

        record Sent(CommandRequest request, Consumer<CommandResult> done) {
            void answer(Clock clock) {
                done.accept(CommandResult.answered(request, clock.instant(), "2.05", true, new java.util.TreeMap<>(),
                        List.of(), Optional.empty(), Optional.empty()));
            }

            void fail(Clock clock, CommandStatus status) {
                done.accept(CommandResult.of(request, clock.instant(), status, status.toString()));
            }
        }

        @Override
        public void execute(CommandRequest request, Consumer<CommandResult> done) {
            sent.add(new Sent(request, done));
        }

        @Override
        public boolean isRegistered(EndpointName endpoint) {
            return !unregistered.contains(endpoint);
        }

        @Override
        public boolean isSleeping(EndpointName endpoint) {
            return sleeping.contains(endpoint);
        }

        @Override
        public void observePresence(PresenceObserver observer) {
            this.observer = observer;
        }

        final List<CommandRequest> credentialChanges = new CopyOnWriteArrayList<>();

        @Override
        public CommandResult changeCredentials(CommandRequest request) {
            credentialChanges.add(request);
            return CommandResult.of(request, request.receivedAt(), CommandStatus.SUCCESS, null);
        }

        void sleep(String endpoint) {
            sleeping.add(EndpointName.of(endpoint));
        }

        void wake(String endpoint) {
            sleeping.remove(EndpointName.of(endpoint));
            observer.awake(EndpointName.of(endpoint));
        }

        List<Sent> sentTo(String endpoint) {
            return sent.stream().filter(s -> s.request().endpoint().value().equals(endpoint)).toList();
        }
    }

    static final class NoFirmware implements FirmwareUpdatePort {
        @Override
        public void start(CommandRequest request, Consumer<CommandResult> done) {
            throw new UnsupportedOperationException("no firmware in these tests");
        }

        @Override
        public void abandonAll() {
        }
    }

    /** A clock the test moves forward. */
}
