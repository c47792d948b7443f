package io.lwm2mgw.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.command.RouterFixture.Acks;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CredentialSpec;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRouterTest {

    @TempDir
    Path storeDirectory;

    private RouterFixture f;

    @BeforeEach
    void setUp() {
        f = new RouterFixture(storeDirectory);
    }

    @AfterEach
    void tearDown() {
        f.router.stop();
    }

    @Test
    void credentials_are_changed_at_once_for_a_sleeping_device_without_waiting_in_its_lane() {
        f.devices.sleep("dev-a");
        f.router.submit(f.read("dev-a", "c-1"), () -> { });
        Acks acks = new Acks();
        CommandRequest put = new CommandRequest("cred-1", EndpointName.of("dev-a"),
                new DeviceCommand.ProvisionCredentials(CredentialSpec.psk("dev-a", "00ff")), Duration.ofSeconds(30),
                Duration.ofSeconds(60), f.clock.instant(), Optional.empty());

        f.router.submit(put, acks.next());
        f.router.submit(put, acks.next());

        assertThat(f.devices.credentialChanges).as("a redelivered copy is not applied again").hasSize(1);
        assertThat(f.finalsFor("cred-1")).as("each copy gets the one result")
                .extracting(CommandResult::status).containsExactly(CommandStatus.SUCCESS, CommandStatus.SUCCESS);
        // acknowledged once the ledger has the result on disk
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(acks.count).hasValue(2));
        assertThat(f.devices.sentTo("dev-a")).as("nothing reached the sleeping device").isEmpty();
    }

    @Test
    void the_same_id_on_two_devices_is_two_commands() {
        f.router.submit(f.read("dev-a", "c-1"), () -> { });
        f.devices.sentTo("dev-a").get(0).answer(f.clock);

        f.router.submit(f.read("dev-b", "c-1"), () -> { });

        assertThat(f.devices.sentTo("dev-b")).hasSize(1);
    }

    @Test
    void a_copy_of_a_command_in_flight_is_not_sent_again_and_shares_its_one_result() {
        Acks original = new Acks();
        Acks copy = new Acks();
        f.router.submit(f.read("dev-a", "c-1"), original.next());
        f.router.submit(f.read("dev-a", "c-1"), copy.next());

        assertThat(f.devices.sentTo("dev-a")).hasSize(1);
        assertThat(copy.count).hasValue(0);

        f.devices.sentTo("dev-a").get(0).answer(f.clock);

        assertThat(f.finalsFor("c-1")).hasSize(1);
        // acknowledged once the ledger has the result on disk
        org.awaitility.Awaitility.await().untilAsserted(() -> {
            assertThat(original.count).hasValue(1);
            assertThat(copy.count).hasValue(1);
        });
        assertThat(f.devices.sentTo("dev-a")).hasSize(1);
    }

    @Test
    void a_copy_of_a_queued_command_is_not_queued_twice_and_the_command_runs_once() {
        f.devices.sleep("dev-a");
        Acks original = new Acks();
        Acks copy = new Acks();
        f.router.submit(f.read("dev-a", "c-1"), original.next());
        f.router.submit(f.read("dev-a", "c-1"), copy.next());

        assertThat(f.publishedFor("c-1")).extracting(CommandResult::status).containsExactly(CommandStatus.QUEUED);
        assertThat(original.count).hasValue(1);
        assertThat(copy.count).as("the original is durably queued: the copy need not hold up its topic").hasValue(1);

        f.devices.wake("dev-a");
        assertThat(f.devices.sentTo("dev-a")).hasSize(1);
        f.devices.sentTo("dev-a").get(0).answer(f.clock);

        assertThat(f.finalsFor("c-1")).hasSize(1);
        assertThat(f.devices.sentTo("dev-a")).hasSize(1);
        assertThat(copy.count).hasValue(1);
        assertThat(original.count).hasValue(1);
    }

    @Test
    void a_copy_waiting_elsewhere_gets_the_result_on_its_own_response_topic() {
        f.router.submit(f.read("dev-a", "c-1", RouterFixture.replyTo("app/1")), () -> { });
        f.router.submit(f.read("dev-a", "c-1", RouterFixture.replyTo("app/2")), () -> { });
        f.devices.sentTo("dev-a").get(0).answer(f.clock);

        assertThat(f.finalsFor("c-1")).extracting(r -> r.replyTo().orElseThrow().topic())
                .containsExactlyInAnyOrder("app/1", "app/2");
    }

    @Test
    void a_completed_command_sent_again_gets_its_result_on_its_current_response_topic() {
        f.router.submit(f.read("dev-a", "c-1", RouterFixture.replyTo("app/old")), () -> { });
        f.devices.sentTo("dev-a").get(0).answer(f.clock);
        Acks again = new Acks();

        f.router.submit(f.read("dev-a", "c-1", RouterFixture.replyTo("app/new")), again.next());

        assertThat(f.devices.sentTo("dev-a")).hasSize(1);
        assertThat(f.finalsFor("c-1")).extracting(r -> r.replyTo().orElseThrow().topic())
                .containsExactly("app/old", "app/new");
        assertThat(again.count).hasValue(1);
    }

    @Test
    void a_device_that_wakes_while_its_command_is_being_stored_leaves_no_stale_file_and_no_late_queued()
            throws Exception {
        SlowStore slow = new SlowStore(new FileQueuedCommandStore(storeDirectory,
                new com.fasterxml.jackson.databind.ObjectMapper()));
        f.router.stop();
        f = new RouterFixture(slow);
        f.devices.sleep("dev-a");
        Acks acks = new Acks();
        var submitted = java.util.concurrent.CompletableFuture.runAsync(
                () -> f.router.submit(f.read("dev-a", "c-1"), acks.next()));
        assertThat(slow.saving.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        f.devices.wake("dev-a");
        f.devices.sentTo("dev-a").get(0).answer(f.clock);
        slow.release.countDown();
        submitted.get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(f.publishedFor("c-1")).last().extracting(CommandResult::status).isEqualTo(CommandStatus.SUCCESS);
        assertThat(f.finalsFor("c-1")).hasSize(1);
        assertThat(slow.loadAll()).as("nothing left to run again after a restart").isEmpty();
        assertThat(acks.count).hasValue(1);
    }

    @Test
    void a_command_that_expires_while_being_stored_leaves_no_stale_file() throws Exception {
        SlowStore slow = new SlowStore(new FileQueuedCommandStore(storeDirectory,
                new com.fasterxml.jackson.databind.ObjectMapper()));
        f.router.stop();
        f = new RouterFixture(slow);
        f.devices.sleep("dev-a");
        var submitted = java.util.concurrent.CompletableFuture.runAsync(
                () -> f.router.submit(f.read("dev-a", "c-1"), () -> { }));
        assertThat(slow.saving.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        f.clock.advance(java.time.Duration.ofMinutes(5));
        f.router.expireDue();
        slow.release.countDown();
        submitted.get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(f.publishedFor("c-1")).extracting(CommandResult::status).containsExactly(CommandStatus.EXPIRED);
        assertThat(slow.loadAll()).isEmpty();
    }

    @Test
    void a_command_arriving_while_the_gateway_stops_is_left_for_redelivery() {
        Acks acks = new Acks();
        f.router.stop();

        f.router.submit(f.read("dev-a", "c-1"), acks.next());

        assertThat(f.devices.sent).isEmpty();
        assertThat(f.published).isEmpty();
        assertThat(acks.count).hasValue(0);
    }

    @Test
    void a_command_failed_by_the_stopping_server_is_neither_answered_nor_acknowledged() {
        Acks acks = new Acks();
        f.router.submit(f.read("dev-a", "c-1"), acks.next());
        f.router.stop();

        f.devices.sent.get(0).fail(f.clock, CommandStatus.FAILED);

        assertThat(f.published).isEmpty();
        assertThat(acks.count).hasValue(0);
    }

    @Test
    void a_queued_command_is_stored_on_the_store_writer_not_on_the_callers_thread() {
        RouterFixture.ManualExecutor writer = new RouterFixture.ManualExecutor();
        f.router.stop();
        f = new RouterFixture(new FileQueuedCommandStore(storeDirectory,
                new com.fasterxml.jackson.databind.ObjectMapper()), writer);
        f.devices.sleep("dev-a");
        Acks acks = new Acks();

        f.router.submit(f.read("dev-a", "c-1"), acks.next());

        assertThat(f.store.loadAll()).isEmpty();
        assertThat(f.published).isEmpty();
        assertThat(acks.count).hasValue(0);

        writer.runAll();

        assertThat(f.store.loadAll()).hasSize(1);
        assertThat(f.publishedFor("c-1")).extracting(CommandResult::status).containsExactly(CommandStatus.QUEUED);
        assertThat(acks.count).hasValue(1);
    }

    @Test
    void a_queued_command_that_cannot_be_stored_fails_and_is_acknowledged_only_after_its_result()
            throws java.io.IOException {
        java.nio.file.Path notADirectory = storeDirectory.resolve("store");
        QueuedCommandStore broken = new FileQueuedCommandStore(notADirectory, new com.fasterxml.jackson.databind.ObjectMapper());
        java.nio.file.Files.delete(notADirectory);
        java.nio.file.Files.writeString(notADirectory, "a file where the store's folder should be");
        f.router.stop();
        f = new RouterFixture(broken);
        f.devices.sleep("dev-a");
        java.util.List<CommandStatus> publishedWhenAcknowledged = new java.util.ArrayList<>();

        f.router.submit(f.read("dev-a", "c-1"), () -> f.publishedFor("c-1").forEach(r ->
                publishedWhenAcknowledged.add(r.status())));

        assertThat(f.publishedFor("c-1")).hasSize(1).first().satisfies(r -> {
            assertThat(r.status()).isEqualTo(CommandStatus.FAILED);
            assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("cannot store"));
        });
        assertThat(publishedWhenAcknowledged).containsExactly(CommandStatus.FAILED);
        f.devices.wake("dev-a");
        assertThat(f.devices.sent).as("it ended: nothing goes out later").isEmpty();
    }

    @Test
    void copies_racing_the_original_to_its_end_run_it_once_and_are_each_acknowledged_once() throws Exception {
        java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> senders = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        f.router.submit(f.read("dev-a", "c-1"), acks::incrementAndGet);
                    }
                }));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> !f.devices.sent.isEmpty());
            f.devices.sent.get(0).answer(f.clock);
            for (var sender : senders) {
                sender.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(f.devices.sent).hasSize(1);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(acks).hasValue(400));
    }

    /** A real store on a slow disk: the first save waits until the test releases it. */
    static final class SlowStore implements QueuedCommandStore {
        final java.util.concurrent.CountDownLatch saving = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private final QueuedCommandStore disk;

        SlowStore(QueuedCommandStore disk) {
            this.disk = disk;
        }

        @Override
        public void save(io.lwm2mgw.domain.command.CommandRequest request) {
            saving.countDown();
            try {
                release.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            disk.save(request);
        }

        @Override
        public void remove(io.lwm2mgw.domain.command.CommandRequest request) {
            disk.remove(request);
        }

        @Override
        public java.util.List<io.lwm2mgw.domain.command.CommandRequest> loadAll() {
            return disk.loadAll();
        }
    }
}
