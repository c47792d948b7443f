package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ObjectLink;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.BootstrapEnded;
import io.lwm2mgw.domain.event.CompositeNotified;
import io.lwm2mgw.domain.event.DataSent;
import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceLifecycleEvent;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.domain.event.RegistrationRefused;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.northbound.OutboundMessage.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private static final Instant TIME = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final EndpointName LAMP = EndpointName.of("lamp-1");
    private static final DeviceStatus REGISTERED = new DeviceStatus(LAMP, DeviceState.REGISTERED, "reg-1", "1.1", "U",
            300, false, "192.0.2.7:56830", Optional.empty(), Optional.empty(), List.of("/1/0", "/3/0", "/3303/0"));

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger nextId = new AtomicInteger();
    private final EventCodec codec = new EventCodec(mapper, "/lwm2m-gateway/gw-1", () -> "ce-" + nextId.incrementAndGet(),
            java.time.Clock.fixed(TIME.plusSeconds(3600), java.time.ZoneOffset.UTC));

    static Stream<Arguments> lifecycleEvents() {
        return Stream.of(
                Arguments.of(new DeviceRegistered(TIME, REGISTERED), "registered"),
                Arguments.of(new DeviceUpdated(TIME, REGISTERED, Map.of("lifetime", 600L)), "updated"),
                Arguments.of(new DeviceDeregistered(TIME, REGISTERED.withState(DeviceState.DEREGISTERED)), "deregistered"),
                Arguments.of(new DeviceExpired(TIME, REGISTERED.withState(DeviceState.EXPIRED)), "expired"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("lifecycleEvents")
    void each_lifecycle_event_gives_a_status_message_and_an_event_message_of_its_kind(DeviceLifecycleEvent event,
            String kind) {
        List<OutboundMessage> messages = codec.encode(event);

        assertThat(messages).extracting(OutboundMessage::channel).containsExactly(Channel.STATUS, Channel.EVENT);
        assertThat(messages).extracting(OutboundMessage::qualifier).containsExactly("", kind);
        assertThat(messages).extracting(m -> m.cloudEvent().type()).containsExactly("lwm2m.status", "lwm2m." + kind);
        assertThat(messages).extracting(m -> m.cloudEvent().id()).containsExactly("ce-1", "ce-2");
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.endpoint()).isEqualTo(LAMP);
            assertThat(m.cloudEvent().subject()).isEqualTo("lamp-1");
            assertThat(m.cloudEvent().source()).isEqualTo("/lwm2m-gateway/gw-1");
            assertThat(m.cloudEvent().time()).isEqualTo(TIME);
        });
        assertThat(EventCodec.kind(event)).isEqualTo(kind);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("lifecycleEvents")
    void event_document_is_the_status_document_plus_its_kind(DeviceLifecycleEvent event, String kind) {
        List<OutboundMessage> messages = codec.encode(event);
        JsonNode status = json(messages.get(0).payload());
        ObjectNode eventDoc = (ObjectNode) json(messages.get(1).payload());

        assertThat(eventDoc.remove("event").asText()).isEqualTo(kind);
        assertThat(eventDoc.has("changes")).isEqualTo(kind.equals("updated"));
        eventDoc.remove("changes");
        assertThat(eventDoc).isEqualTo(status);
        assertThat(status.get("state").asText()).isEqualTo(event.status().state().wireName());
    }

    @Test
    void registered_status_document_matches_the_golden_file() {
        List<OutboundMessage> messages = codec.encode(new DeviceRegistered(TIME, REGISTERED));

        assertThat(json(messages.get(0).payload())).isEqualTo(golden("status-registered.json"));
    }

    @Test
    void updated_event_carries_the_changed_fields_as_in_the_golden_file() {
        List<String> objects = List.of("/1/0", "/3/0", "/3303/0", "/3303/1");
        DeviceStatus after = new DeviceStatus(LAMP, DeviceState.REGISTERED, "reg-1", "1.1", "U", 600, true,
                "192.0.2.7:40001", Optional.of("+15550100"), Optional.of("/lwm2m"), objects);
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("lifetime", 600L);
        changes.put("address", "192.0.2.7:40001");
        changes.put("previousAddress", "192.0.2.7:40000");
        changes.put("objects", objects);

        List<OutboundMessage> messages = codec.encode(new DeviceUpdated(TIME, after, changes));

        assertThat(json(messages.get(1).payload())).isEqualTo(golden("event-updated.json"));
        assertThat(codec.lifecyclePayload(new DeviceUpdated(TIME, after, changes)))
                .as("the history's copy is the published event's payload").isEqualTo(messages.get(1).payload());
    }

    @Test
    void a_notification_gives_one_telemetry_message_for_the_observed_path() {
        ResourceNotified notified = ResourceNotified.of(TIME, LAMP, Lwm2mPath.parse("/3303/0/5700"), "0a1b2c",
                Map.of(Lwm2mPath.parse("/3303/0/5700"), new ResourceValue.FloatValue(21.5)));

        List<OutboundMessage> messages = codec.encode(notified);

        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.channel()).isEqualTo(Channel.TELEMETRY);
            assertThat(m.qualifier()).isEqualTo("/3303/0/5700");
            assertThat(m.cloudEvent().type()).isEqualTo("lwm2m.notification");
            assertThat(m.cloudEvent().subject()).isEqualTo("lamp-1");
            assertThat(m.cloudEvent().id()).isEqualTo("ce-1");
        });
    }

    @Test
    void a_composite_notification_is_one_mqtt_message_per_path_and_one_kafka_record_with_all_values() {
        Lwm2mPath dimmer = Lwm2mPath.parse("/3311/0/5851");
        Lwm2mPath device = Lwm2mPath.parse("/3/0");
        CompositeNotified notified = CompositeNotified.of(TIME, LAMP, List.of(dimmer, device), "0a1b2c", Map.of(
                dimmer, new ResourceValue.IntegerValue(40),
                Lwm2mPath.parse("/3/0/9"), new ResourceValue.IntegerValue(87),
                Lwm2mPath.parse("/3/0/0"), new ResourceValue.StringValue("ACME")));

        List<OutboundMessage> messages = codec.encode(notified);

        assertThat(messages).extracting(OutboundMessage::channel).containsExactly(Channel.PATH_TELEMETRY,
                Channel.PATH_TELEMETRY, Channel.COMPOSITE_TELEMETRY);
        assertThat(messages.get(0).qualifier()).isEqualTo("/3311/0/5851");
        assertThat(json(messages.get(0).payload()).get("values").fieldNames()).toIterable()
                .containsExactly("/3311/0/5851");
        assertThat(json(messages.get(1).payload()).get("values").fieldNames()).toIterable()
                .as("each path's part holds only the values below it").containsExactly("/3/0/0", "/3/0/9");
        assertThat(messages.get(1).cloudEvent().type()).isEqualTo("lwm2m.notification");
        JsonNode record = json(messages.get(2).payload());
        assertThat(record.get("paths")).extracting(JsonNode::asText).containsExactly("/3311/0/5851", "/3/0");
        assertThat(record.get("values").size()).isEqualTo(3);
        assertThat(record.get("observationId").asText()).isEqualTo("0a1b2c");
        assertThat(record.has("path")).isFalse();
        assertThat(messages.get(2).cloudEvent().type()).isEqualTo("lwm2m.composite-notification");
        assertThat(messages).extracting(m -> m.cloudEvent().id()).as("one CloudEvents id per message")
                .doesNotHaveDuplicates();
    }

    @Test
    void a_send_gives_one_telemetry_message_per_reading_each_at_its_own_time_as_in_the_golden_file() {
        Lwm2mPath temperature = Lwm2mPath.parse("/3303/0/5700");
        Instant later = TIME.plusSeconds(10);
        DataSent sent = new DataSent(TIME.plusSeconds(60), LAMP, List.of(
                DataSent.Reading.of(TIME, temperature, Map.of(temperature, new ResourceValue.FloatValue(21.5))),
                DataSent.Reading.of(TIME, Lwm2mPath.parse("/3/0/9"),
                        Map.of(Lwm2mPath.parse("/3/0/9"), new ResourceValue.IntegerValue(87))),
                DataSent.Reading.of(later, temperature, Map.of(temperature, new ResourceValue.FloatValue(22.0)))));

        List<OutboundMessage> messages = codec.encode(sent);

        assertThat(messages).hasSize(3).allSatisfy(m -> {
            assertThat(m.channel()).isEqualTo(Channel.TELEMETRY);
            assertThat(m.cloudEvent().type()).isEqualTo("lwm2m.send");
            assertThat(m.cloudEvent().subject()).isEqualTo("lamp-1");
        });
        assertThat(messages).extracting(OutboundMessage::qualifier)
                .containsExactly("/3303/0/5700", "/3/0/9", "/3303/0/5700");
        assertThat(messages.get(2).cloudEvent().time()).isEqualTo(later);
        assertThat(json(messages.get(0).payload())).isEqualTo(golden("send-reading.json"));
        assertThat(json(messages.get(2).payload()).get("values").get("/3303/0/5700").asDouble()).isEqualTo(22.0);
    }

    @Test
    void notification_with_every_value_type_matches_the_golden_file() {
        Map<Lwm2mPath, ResourceValue> values = Map.ofEntries(
                Map.entry(Lwm2mPath.parse("/32769/0/0"), new ResourceValue.IntegerValue(-42)),
                Map.entry(Lwm2mPath.parse("/32769/0/1"),
                        new ResourceValue.UnsignedValue(new BigInteger("18446744073709551615"))),
                Map.entry(Lwm2mPath.parse("/32769/0/2"), new ResourceValue.FloatValue(21.5)),
                Map.entry(Lwm2mPath.parse("/32769/0/3"), new ResourceValue.FloatValue(Double.NaN)),
                Map.entry(Lwm2mPath.parse("/32769/0/4"), new ResourceValue.BooleanValue(true)),
                Map.entry(Lwm2mPath.parse("/32769/0/5"), new ResourceValue.StringValue("läm+pe \"1\"")),
                Map.entry(Lwm2mPath.parse("/32769/0/6"), new ResourceValue.OpaqueValue(new byte[] {0, 1, 2, (byte) 0xff})),
                Map.entry(Lwm2mPath.parse("/32769/0/7"),
                        new ResourceValue.TimeValue(Instant.parse("2023-11-14T22:13:20.999Z"))),
                Map.entry(Lwm2mPath.parse("/32769/0/8"), new ResourceValue.ObjlnkValue(new ObjectLink(3, 0))),
                Map.entry(Lwm2mPath.parse("/32769/0/9/0"), new ResourceValue.IntegerValue(3800)),
                Map.entry(Lwm2mPath.parse("/32769/0/9/1"), new ResourceValue.IntegerValue(5000)));

        List<OutboundMessage> messages = codec.encode(
                ResourceNotified.of(TIME, LAMP, Lwm2mPath.parse("/32769/0"), "0a1b2c", values));

        assertThat(json(messages.get(0).payload())).isEqualTo(golden("notification-every-type.json"));
    }

    @Test
    void a_refused_registration_is_one_security_event_and_no_status_as_in_the_golden_file() {
        RegistrationRefused refused = new RegistrationRefused(TIME, LAMP, "psk:lamp-2-id", "192.0.2.7:56830",
                "PSK identity lamp-2-id belongs to endpoint lamp-2");

        List<OutboundMessage> messages = codec.encode(refused);

        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.channel()).isEqualTo(Channel.EVENT);
            assertThat(m.qualifier()).isEqualTo("security");
            assertThat(m.cloudEvent().type()).isEqualTo("lwm2m.security");
            assertThat(m.cloudEvent().subject()).isEqualTo("lamp-1");
            assertThat(json(m.payload())).isEqualTo(golden("event-security.json"));
        });
    }

    @Test
    void a_bootstrap_gives_one_bootstrap_event_as_in_the_golden_file() {
        BootstrapEnded failed = new BootstrapEnded(TIME, LAMP, false, List.of("coaps://gw.example:5684"),
                Optional.of("write /0/1 answered 4.00"));

        List<OutboundMessage> messages = codec.encode(failed);

        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.channel()).isEqualTo(Channel.EVENT);
            assertThat(m.qualifier()).isEqualTo("bootstrap");
            assertThat(m.cloudEvent().type()).isEqualTo("lwm2m.bootstrap");
            assertThat(json(m.payload())).isEqualTo(golden("event-bootstrap.json"));
        });
        assertThat(json(codec.encode(new BootstrapEnded(TIME, LAMP, true, List.of(), Optional.empty())).get(0)
                .payload()).get("outcome").asText()).isEqualTo("finished");
    }

    @Test
    void formats_times_as_rfc3339_utc_with_exactly_three_fraction_digits() {
        Instant wholeSecond = Instant.parse("2026-01-02T03:04:05Z");
        Instant nanos = Instant.parse("2026-01-02T03:04:05.987654321Z");

        assertThat(Rfc3339.format(wholeSecond)).isEqualTo("2026-01-02T03:04:05.000Z");
        assertThat(Rfc3339.format(nanos)).isEqualTo("2026-01-02T03:04:05.987Z");

        OutboundMessage status = codec.encode(new DeviceRegistered(nanos, REGISTERED)).get(0);
        assertThat(json(status.payload()).get("time").asText()).isEqualTo("2026-01-02T03:04:05.987Z");
        assertThat(status.cloudEvent().asMap()).containsEntry("time", "2026-01-02T03:04:05.987Z");
    }

    @Test
    void cloud_event_attributes_start_with_specversion_1_0() {
        OutboundMessage status = codec.encode(new DeviceRegistered(TIME, REGISTERED)).get(0);

        assertThat(status.cloudEvent().asMap()).containsExactly(
                Map.entry("specversion", "1.0"),
                Map.entry("id", "ce-1"),
                Map.entry("source", "/lwm2m-gateway/gw-1"),
                Map.entry("type", "lwm2m.status"),
                Map.entry("subject", "lamp-1"),
                Map.entry("time", "2026-11-22T10:15:30.123Z"));
    }

    @Test
    void keeps_a_raw_endpoint_name_in_documents_and_subject() {
        DeviceStatus status = new DeviceStatus(EndpointName.of("urn:imei:1/2"), DeviceState.REGISTERED, "reg-2",
                "1.0", "UQ", 60, true, "[2001:db8::1]:5683", Optional.empty(), Optional.empty(), List.of());

        OutboundMessage message = codec.encode(new DeviceRegistered(TIME, status)).get(1);

        assertThat(message.cloudEvent().subject()).isEqualTo("urn:imei:1/2");
        assertThat(json(message.payload()).get("endpoint").asText()).isEqualTo("urn:imei:1/2");
    }

    @Test
    void production_codec_names_this_gateway_as_source_and_never_reuses_an_id() {
        EventCodec production = EventCodec.withRandomIds(mapper, "gw-1", java.time.Clock.systemUTC());

        List<OutboundMessage> messages = production.encode(new DeviceRegistered(TIME, REGISTERED));

        assertThat(messages).extracting(m -> m.cloudEvent().source()).containsOnly("/lwm2m-gateway/gw-1");
        assertThat(messages).extracting(m -> m.cloudEvent().id()).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("[0-9a-f-]{36}"));
    }

    private JsonNode json(byte[] payload) {
        try {
            return mapper.readTree(payload);
        } catch (IOException e) {
            throw new AssertionError("payload is not JSON: " + new String(payload), e);
        }
    }

    private JsonNode golden(String name) {
        try (InputStream in = EventCodecTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read golden file " + name, e);
        }
    }

    @Test
    void a_status_published_again_is_stamped_by_the_gateways_clock() {
        OutboundMessage message = codec.status(REGISTERED);

        assertThat(message.channel()).isEqualTo(Channel.STATUS);
        assertThat(json(message.payload()).get("time").asText()).isEqualTo("2026-11-22T11:15:30.123Z");
        assertThat(message.cloudEvent().time()).isEqualTo(TIME.plusSeconds(3600));
    }
}
