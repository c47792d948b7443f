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
    /** Confirmation of each published result; complete by default, held back while {@link #holdConfirmations}. */
    final List<java.util.concurrent.CompletableFuture<Void>> confirmations = new CopyOnWriteArrayList<>();
    volatile boolean holdConfirmations;
    final QueuedCommandStore store;
    final LedgerStore ledger;
    final CommandRouter router;

    RouterFixture(Path storeDirectory) {
        this(new FileQueuedCommandStore(storeDirectory, new ObjectMapper()),
                new JournalLedgerStore(storeDirectory, new ObjectMapper()), Runnable::run);
    }

    RouterFixture(QueuedCommandStore store) {
        this(store, Runnable::run);
    }

    /** @param storeWriter runs the router's store writes: at once on the caller, or when the test says */
    RouterFixture(QueuedCommandStore store, java.util.concurrent.Executor storeWriter) {
        this(store, new MemoryLedger(), storeWriter);
    }

    RouterFixture(QueuedCommandStore store, LedgerStore ledger, java.util.concurrent.Executor storeWriter) {
        this.store = store;
        this.ledger = ledger;
        this.router = new CommandRouter(devices, new NoFirmware(), this::publish, store, ledger, clock, 3, 1000,
                storeWriter);
        devices.router = router;
    }

    private java.util.concurrent.CompletionStage<Void> publish(CommandResult result) {
        published.add(result);
        java.util.concurrent.CompletableFuture<Void> confirmed = new java.util.concurrent.CompletableFuture<>();
        confirmations.add(confirmed);
        if (!holdConfirmations) {
            confirmed.complete(null);
        }
        return confirmed;
    }

    /** Confirms every result published so far, as a broker's PUBACK would. */
    void confirmAll() {
        confirmations.forEach(c -> c.complete(null));
    }

    /** A ledger kept in memory: what a restart would read back is whatever this one holds. */
    static final class MemoryLedger implements LedgerStore {
        final List<CommandResult> completed = new CopyOnWriteArrayList<>();
        final List<SentMark> sending = new CopyOnWriteArrayList<>();

        @Override
        public Loaded load(int remembered) {
            List<SentMark> open = sending.stream().filter(m -> completed.stream().noneMatch(r ->
                    r.endpoint().equals(Optional.of(m.endpoint())) && r.id().equals(Optional.of(m.id())))).toList();
            return new Loaded(List.copyOf(completed), open);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> sending(EndpointName endpoint, String id) {
            sending.add(new SentMark(endpoint, id));
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> completed(CommandResult result) {
            completed.add(result);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
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

        CommandContext next() {
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
        volatile CommandRouter router;

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
        public List<io.lwm2mgw.domain.device.DeviceStatus> registeredStatuses() {
            return List.of();
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
            router.onEvent(new io.lwm2mgw.domain.event.DeviceAwake(Instant.EPOCH, status(endpoint,
                    io.lwm2mgw.domain.device.DeviceState.AWAKE)));
        }

        /** The device's registration ended. */
        void deregister(String endpoint) {
            unregistered.add(EndpointName.of(endpoint));
            router.onEvent(new io.lwm2mgw.domain.event.DeviceDeregistered(Instant.EPOCH, status(endpoint,
                    io.lwm2mgw.domain.device.DeviceState.DEREGISTERED)));
        }

        /** The device sent a registration Update (awake, when it is in queue mode). */
        void update(String endpoint) {
            sleeping.remove(EndpointName.of(endpoint));
            router.onEvent(new io.lwm2mgw.domain.event.DeviceUpdated(Instant.EPOCH, status(endpoint,
                    io.lwm2mgw.domain.device.DeviceState.AWAKE), java.util.Map.of()));
        }

        static io.lwm2mgw.domain.device.DeviceStatus status(String endpoint, io.lwm2mgw.domain.device.DeviceState state) {
            return new io.lwm2mgw.domain.device.DeviceStatus(EndpointName.of(endpoint), state, "r-1", "1.1", "UQ", 60,
                    true, "127.0.0.1:5683", Optional.empty(), Optional.empty(), List.of());
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
