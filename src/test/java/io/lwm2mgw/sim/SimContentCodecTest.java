package io.lwm2mgw.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulator's own CoAP and LwM2M codecs, without sockets. */
class SimContentCodecTest {

    private static final Set<Integer> OBJECTS = Set.of(1, 3, 5, 3303, 3311);

    @Test
    void a_coap_message_survives_encoding_with_extended_option_deltas_and_lengths() {
        CoapMessage m = new CoapMessage(CoapMessage.CON, CoapMessage.PUT, 0xBEEF, new byte[] {1, 2, 3, 4})
                .add(CoapMessage.URI_PATH, "5").add(CoapMessage.URI_PATH, "0").add(CoapMessage.URI_PATH, "0")
                .add(CoapMessage.BLOCK1, 17L << 4 | 0x8 | 2).add(CoapMessage.SIZE1, 1 << 20)
                .add(CoapMessage.URI_QUERY, "x".repeat(300))
                .payload(new byte[64]);
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        m.encode(buffer);
        buffer.flip();
        CoapMessage back = CoapMessage.decode(buffer);
        assertThat(back.type).isEqualTo(CoapMessage.CON);
        assertThat(back.code).isEqualTo(CoapMessage.PUT);
        assertThat(back.messageId).isEqualTo(0xBEEF);
        assertThat(back.token).containsExactly(1, 2, 3, 4);
        assertThat(back.uriPath()).isEqualTo("/5/0/0");
        assertThat(back.uintOption(CoapMessage.BLOCK1)).isEqualTo(17L << 4 | 0x8 | 2);
        assertThat(back.uintOption(CoapMessage.SIZE1)).isEqualTo(1 << 20);
        assertThat(back.uriQueries()).containsExactly("x".repeat(300));
        assertThat(back.payload).hasSize(64);
    }

    @Test
    void a_datagram_that_is_not_coap_version_1_is_refused() {
        assertThatThrownBy(() -> CoapMessage.decode(ByteBuffer.wrap(new byte[] {(byte) 0x80, 1, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_instance_read_as_tlv_decodes_back_to_the_same_typed_values() {
        byte[] tlv = SimContentCodec.encode(SimContentCodec.TLV, "/3311/0",
                SimObjects.under("/3311/0", OBJECTS), r -> r.defaultValue());
        Map<String, Object> values = SimContentCodec.decode(SimContentCodec.TLV, "/3311/0", tlv);
        assertThat(values).containsEntry("/3311/0/5850", true).containsEntry("/3311/0/5851", 50L)
                .containsEntry("/3311/0/5706", "#FFFFFF");
    }

    @Test
    void an_object_read_as_tlv_wraps_its_resources_in_instance_0() {
        byte[] tlv = SimContentCodec.encode(SimContentCodec.TLV, "/3303", SimObjects.under("/3303", OBJECTS),
                r -> r.defaultValue());
        assertThat(tlv[0] & 0xC0).as("object instance TLV").isEqualTo(0);
        assertThat(SimContentCodec.decode(SimContentCodec.TLV, "/3303", tlv))
                .containsEntry("/3303/0/5700", 20.5).containsEntry("/3303/0/5701", "Cel");
    }

    @Test
    void senml_json_and_text_carry_single_resources_and_executables_are_never_read() {
        String senml = new String(SimContentCodec.encode(SimContentCodec.SENML_JSON, "/3303/0/5700",
                SimObjects.under("/3303/0/5700", OBJECTS), r -> 21.25), StandardCharsets.UTF_8);
        assertThat(senml).isEqualTo("[{\"n\":\"/3303/0/5700\",\"v\":21.25}]");
        assertThat(SimContentCodec.decode(SimContentCodec.SENML_JSON, "/3311/0",
                "[{\"bn\":\"/3311/0/\",\"n\":\"5851\",\"v\":7},{\"n\":\"5850\",\"vb\":false}]".getBytes(StandardCharsets.UTF_8)))
                .containsEntry("/3311/0/5851", 7L).containsEntry("/3311/0/5850", false);
        assertThat(SimContentCodec.encode(SimContentCodec.TEXT, "/3/0", SimObjects.under("/3/0", OBJECTS),
                r -> r.defaultValue())).as("text cannot carry an instance").isNull();
        assertThat(SimContentCodec.encode(SimContentCodec.TEXT, "/3/0/4", SimObjects.under("/3/0/4", OBJECTS),
                r -> r.defaultValue())).as("execute-only resource").isNull();
    }

    @Test
    void paths_outside_the_announced_objects_hold_nothing() {
        assertThat(SimObjects.under("/3311/0", Set.of(1, 3))).isEmpty();
        assertThat(SimObjects.under("/3/1", OBJECTS)).isEmpty();
        assertThat(SimObjects.under("/3/0/99", OBJECTS)).isEmpty();
        assertThat(SimObjects.under("/3/0/9", OBJECTS)).hasSize(1);
    }

    @Test
    void a_create_names_its_instance_in_tlv_or_senml_or_leaves_it_to_the_device() {
        java.util.SortedSet<Integer> two = new java.util.TreeSet<>(Set.of(0, 7));
        byte[] instance7 = SimContentCodec.encode(SimContentCodec.TLV, "/3311",
                SimObjects.under("/3311", id -> id == 3311 ? two : java.util.Collections.emptySortedSet()).stream()
                        .filter(r -> r.instanceId() == 7).toList(), r -> r.defaultValue());
        SimContentCodec.Created tlv = SimContentCodec.decodeCreate(SimContentCodec.TLV, 3311, instance7);
        assertThat(tlv.instanceId()).isEqualTo(7);
        assertThat(tlv.values()).containsEntry(5850, true).containsEntry(5851, 50L);

        byte[] bare = SimContentCodec.encode(SimContentCodec.TLV, "/3311/0", SimObjects.under("/3311/0/5851", OBJECTS),
                r -> 12L);
        assertThat(SimContentCodec.decodeCreate(SimContentCodec.TLV, 3311, bare))
                .isEqualTo(new SimContentCodec.Created(-1, Map.of(5851, 12L)));

        SimContentCodec.Created senml = SimContentCodec.decodeCreate(SimContentCodec.SENML_JSON, 3303,
                "[{\"bn\":\"/3303/4/\",\"n\":\"5700\",\"v\":-3.5},{\"n\":\"5701\",\"vs\":\"K\"}]"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(senml).isEqualTo(new SimContentCodec.Created(4, Map.of(5700, -3.5, 5701, "K")));
        assertThat(SimContentCodec.decodeCreate(SimContentCodec.SENML_JSON, 3311,
                "[{\"n\":\"/3311/5850\",\"vb\":false}]".getBytes(StandardCharsets.UTF_8)).instanceId()).isEqualTo(-1);
    }

    @Test
    void a_create_payload_that_does_not_fit_the_object_is_refused() {
        byte[] unknownResource = "[{\"n\":\"/3311/1/9999\",\"v\":1}]".getBytes(StandardCharsets.UTF_8);
        byte[] otherObject = "[{\"n\":\"/3303/1/5700\",\"v\":1}]".getBytes(StandardCharsets.UTF_8);
        byte[] twoInstances = "[{\"n\":\"/3311/1/5850\",\"vb\":true},{\"n\":\"/3311/2/5850\",\"vb\":true}]"
                .getBytes(StandardCharsets.UTF_8);
        byte[] notANumber = "[{\"n\":\"/3311/1/5851\",\"vs\":\"dim\"}]".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {unknownResource, otherObject, twoInstances, notANumber}) {
            assertThatThrownBy(() -> SimContentCodec.decodeCreate(SimContentCodec.SENML_JSON, 3311, bad))
                    .as(new String(bad, StandardCharsets.UTF_8)).isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> SimContentCodec.decodeCreate(SimContentCodec.TLV, 3311, new byte[] {0x08, 1, 5}))
                .as("a truncated TLV").isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> SimContentCodec.decodeCreate(SimContentCodec.TEXT, 3311, new byte[] {'1'}))
                .hasMessageStartingWith("content format");
    }

    @Test
    void created_instances_are_under_their_object_and_single_instance_objects_have_only_instance_0() {
        java.util.SortedSet<Integer> lamps = new java.util.TreeSet<>(Set.of(0, 3));
        java.util.function.IntFunction<java.util.SortedSet<Integer>> device = id -> id == 3311 ? lamps
                : OBJECTS.contains(id) ? SimObjects.INSTANCE_0 : java.util.Collections.emptySortedSet();
        assertThat(SimObjects.under("/3311", device)).extracting(SimObjects.Resource::path)
                .contains("/3311/0/5850", "/3311/3/5850", "/3311/3/5706");
        assertThat(SimObjects.under("/3311/3/5851", device)).extracting(SimObjects.Resource::path)
                .containsExactly("/3311/3/5851");
        assertThat(SimObjects.under("/3311/2", device)).isEmpty();
        assertThat(SimObjects.resource("/3/1/9")).isNull();
        assertThat(SimObjects.multiInstance(3)).isFalse();
        assertThat(SimObjects.multiInstance(3303)).isTrue();
    }
}
