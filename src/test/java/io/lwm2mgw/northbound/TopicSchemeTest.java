package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.northbound.TopicScheme.CommandTopic;
import io.lwm2mgw.northbound.TopicScheme.DataTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSchemeTest {

    private final TopicScheme topics = new TopicScheme("lwm2m");
    private final EndpointName dev1 = EndpointName.of("dev-1");

    @Test
    void formats_every_device_topic_of_the_contract() {
        assertThat(topics.status(dev1)).isEqualTo("lwm2m/dev-1/status");
        assertThat(topics.event(dev1, "registered")).isEqualTo("lwm2m/dev-1/events/registered");
        assertThat(topics.data(dev1, Lwm2mPath.parse("/3303/0/5700"))).isEqualTo("lwm2m/dev-1/data/3303/0/5700");
        assertThat(topics.data(dev1, Lwm2mPath.parse("/3/0/7/1"))).isEqualTo("lwm2m/dev-1/data/3/0/7/1");
        assertThat(topics.result(dev1, "write-attributes")).isEqualTo("lwm2m/dev-1/results/write-attributes");
    }

    @Test
    void formats_gateway_status_and_command_filter_under_the_root() {
        assertThat(topics.gatewayStatus("gw-1")).isEqualTo("lwm2m/gateway/gw-1/status");
        assertThat(topics.commandFilter()).isEqualTo("lwm2m/+/commands/+");
    }

    @Test
    void uses_a_configured_multi_level_root_everywhere() {
        TopicScheme tenant = new TopicScheme("tenant-a/lwm2m");

        assertThat(tenant.status(dev1)).isEqualTo("tenant-a/lwm2m/dev-1/status");
        assertThat(tenant.commandFilter()).isEqualTo("tenant-a/lwm2m/+/commands/+");
        assertThat(tenant.parseCommand("tenant-a/lwm2m/dev-1/commands/read"))
                .contains(new CommandTopic(dev1, "read"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "urn:imei:1/2 | urn:imei:1%2F2",
        "a%b          | a%25b",
        "a+b          | a%2Bb",
        "a#b          | a%23b",
        "'a b'        | a%20b",
        "läm          | l%C3%A4m",
        "€            | %E2%82%AC",
        "'tab\tnl\n'  | tab%09nl%0A",
    })
    void percent_encodes_reserved_and_non_ascii_bytes_of_an_endpoint_level(String raw, String encoded) {
        assertThat(TopicScheme.encodeLevel(raw)).isEqualTo(encoded);
        assertThat(topics.status(EndpointName.of(raw))).isEqualTo("lwm2m/" + encoded + "/status");
    }

    @Test
    void encodes_slash_in_endpoint_as_percent_2F() {
        assertThat(topics.event(EndpointName.of("urn:imei:1/2"), "updated"))
                .isEqualTo("lwm2m/urn:imei:1%2F2/events/updated");
    }

    @Test
    void leaves_other_printable_ascii_unencoded() {
        String printable = "urn:dev:ops:0-A_b.c~!$&'()*,;=@[]{}|^`\"<>?\\";

        assertThat(TopicScheme.encodeLevel(printable)).isEqualTo(printable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev-1", "urn:imei:1/2", "a%b", "läm+pe#1", "%2F", "a b", "日本/🙂", "+#/%"})
    void command_topic_round_trips_from_endpoint_to_topic_and_back(String raw) {
        String topic = topics.command(EndpointName.of(raw), "read");

        assertThat(topics.parseCommand(topic)).contains(new CommandTopic(EndpointName.of(raw), "read"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev-1", "urn:imei:1/2", "a%b", "läm+pe#1", "%2F", "a b", "日本/🙂"})
    void data_topic_round_trips_through_format_and_parse(String raw) {
        EndpointName endpoint = EndpointName.of(raw);
        for (String path : new String[] {"/3303", "/3303/0", "/3303/0/5700", "/3/0/7/1"}) {
            Lwm2mPath lwm2mPath = Lwm2mPath.parse(path);

            assertThat(topics.parseData(topics.data(endpoint, lwm2mPath)))
                    .contains(new DataTopic(endpoint, lwm2mPath));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "lwm2m/dev-1/status",
        "lwm2m/dev-1/events/registered",
        "lwm2m/dev-1/results/read",
        "lwm2m/dev-1/commands",
        "lwm2m/dev-1/commands/",
        "lwm2m//commands/read",
        "lwm2m/dev-1/commands/read/extra",
        "lwm2m/dev-1/command/read",
        "other/dev-1/commands/read",
        "lwm2mx/dev-1/commands/read",
        "lwm2m",
        "",
    })
    void parse_command_rejects_topics_that_are_not_command_topics(String topic) {
        assertThat(topics.parseCommand(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%FF", "a%C3", "%C3%28", "%ED%A0%80"})
    void refuses_percent_escapes_that_are_not_utf8_so_no_two_topics_name_one_endpoint(String level) {
        assertThat(topics.parseCommand("lwm2m/" + level + "/commands/read")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> TopicScheme.decodeLevel(level))
                .withMessageContaining("not UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%00b", "%0A", "dev%1F", "%7F"})
    void parse_command_refuses_endpoint_names_with_control_characters(String level) {
        assertThat(topics.parseCommand("lwm2m/" + level + "/commands/read")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lwm2m/%ZZ/commands/read | %ZZ | read | endpoint level: bad percent escape in '%ZZ'",
        "lwm2m/a%2/commands/read | a%2 | read | endpoint level: truncated percent escape in 'a%2'",
        "lwm2m/coll%FF/commands/read | coll%FF | read | endpoint level: percent escapes in 'coll%FF' are not UTF-8",
        "lwm2m/a%00b/commands/write | a%00b | write | endpoint level 'a%00b' decodes to a name with a control character",
        "lwm2m/dev%2D1/commands/read | dev-1 | read | endpoint level 'dev%2D1' is not the canonical spelling; use lwm2m/dev-1/commands/read",
        "lwm2m/campaigns/commands/read | campaigns | read | the endpoint name 'campaigns' is reserved for firmware campaigns",
    })
    void command_topics_that_do_not_parse_name_whom_to_answer_and_why(String topic, String endpoint, String op,
            String problem) {
        assertThat(topics.refusedCommand(topic))
                .contains(new TopicScheme.RefusedCommandTopic(EndpointName.of(endpoint), op, problem));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lwm2m/dev-1/commands/read", "lwm2m//commands/read", "lwm2m/dev-1/results/read",
        "other/%ZZ/commands/read", "lwm2m/%ZZ/commands/read/x"})
    void well_formed_and_non_command_topics_are_not_refused_commands(String topic) {
        assertThat(topics.refusedCommand(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lwm2m", "lwm2m/dev-1/commands/read", "lwm2m/dev-1/events/registered",
        "lwm2m/gateway/gw-1/status", "lwm2m/campaigns/c-1/start", "lwm2m/"})
    void topics_under_the_root_are_the_gateways_own(String topic) {
        assertThat(topics.isUnderRoot(topic)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"replies/1", "app/lwm2m/dev-1/commands/read", "lwm2m2/x", "lwm2", "Lwm2m/x"})
    void other_topics_are_not_under_the_root(String topic) {
        assertThat(topics.isUnderRoot(topic)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "app/+/replies/# | app/a/replies | true",
        "app/+/replies/# | app/a/replies/x/y | true",
        "app/+/replies/# | app/a/b/replies | false",
        "app/+/replies/# | other/a/replies | false",
        "# | $SYS/x | false",
        "+/x | $SYS/x | false",
        "$SYS/# | $SYS/x | true",
        "a/+ | a/ | true",
        "a/+ | a | false",
        "a/b | a/b/c | false",
    })
    void topic_filters_match_as_in_mqtt(String filter, String topic, boolean matches) {
        assertThat(TopicScheme.matches(filter, topic)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev%2D1", "a%2fb", "%41", "urn:imei:1%2f2", "l%C3%a4mpe", "a%20b%2Fc%2f"})
    void parse_command_accepts_only_the_canonical_percent_encoding(String level) {
        assertThat(topics.parseCommand("lwm2m/" + level + "/commands/read")).isEmpty();
    }

    @Test
    void accepts_only_ascii_hex_digits_in_percent_escapes() {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicScheme.decodeLevel("a%\uFF12\uFF26"));
        assertThat(TopicScheme.decodeLevel("a%2f%2F")).isEqualTo("a//");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%", "a%2", "%", "a%zz", "a%G1", "a%-1", "%%41"})
    void parse_command_rejects_truncated_or_bad_percent_escapes(String level) {
        assertThat(topics.parseCommand("lwm2m/" + level + "/commands/read")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> TopicScheme.decodeLevel(level))
                .withMessageContaining("percent escape");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "lwm2m/dev-1/data/",
        "lwm2m/dev-1/data/a",
        "lwm2m/dev-1/data/3/0/5700/1/2",
        "lwm2m/dev-1/data/3/70000",
        "lwm2m//data/3",
        "lwm2m/dev-1/status",
        "lwm2m/dev-1/dat/3",
        "other/dev-1/data/3",
        "lwm2m/a%2/data/3",
    })
    void parse_data_rejects_topics_that_are_not_data_topics(String topic) {
        assertThat(topics.parseData(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lwm2m/", "+", "lwm2m/+", "#", "a/#/b"})
    void rejects_invalid_roots(String root) {
        assertThatIllegalArgumentException().isThrownBy(() -> new TopicScheme(root))
                .withMessageContaining("invalid MQTT topic root");
    }

    @Test
    void replicas_share_the_command_filters_under_a_group_named_after_the_root() {
        TopicScheme scheme = new TopicScheme("site/a");
        assertThat(scheme.defaultSharedGroup()).isEqualTo("lwm2m-gateway-site-a");
        assertThat(TopicScheme.shared(scheme.defaultSharedGroup(), scheme.commandFilter()))
                .isEqualTo("$share/lwm2m-gateway-site-a/site/a/+/commands/+");
        assertThatIllegalArgumentException().isThrownBy(() -> TopicScheme.shared("a/b", scheme.commandFilter()));
    }
}
