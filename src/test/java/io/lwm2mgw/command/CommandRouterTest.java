package io.lwm2mgw.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.command.RouterFixture.Acks;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import java.nio.file.Path;
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
        f.router.stop(null);
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
        assertThat(original.count).hasValue(1);
        assertThat(copy.count).hasValue(1);
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
}
