package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ObjectLink;
import io.lwm2mgw.domain.device.ResourceValue;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.util.datatype.ULong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeValueMapperTest {

    private static final LwM2mMultipleResource POWER_VOLTAGES =
            LwM2mMultipleResource.newIntegerResource(7, Map.of(0, 3800L, 1, 5000L));

    @Test
    void flattens_an_object_into_every_resource_of_every_instance() {
        LwM2mObject temperatures = new LwM2mObject(3303,
                new LwM2mObjectInstance(0, LwM2mSingleResource.newFloatResource(5700, 21.5),
                        LwM2mSingleResource.newStringResource(5701, "Cel")),
                new LwM2mObjectInstance(1, LwM2mSingleResource.newFloatResource(5700, 19.0)));

        assertThat(NodeValueMapper.flatten(path("/3303"), temperatures)).containsExactly(
                entry(path("/3303/0/5700"), new ResourceValue.FloatValue(21.5)),
                entry(path("/3303/0/5701"), new ResourceValue.StringValue("Cel")),
                entry(path("/3303/1/5700"), new ResourceValue.FloatValue(19.0)));
    }

    @Test
    void flattens_an_instance_with_a_multiple_resource_into_resource_instance_paths() {
        LwM2mObjectInstance device = new LwM2mObjectInstance(0, POWER_VOLTAGES,
                LwM2mSingleResource.newIntegerResource(9, 87));

        assertThat(NodeValueMapper.flatten(path("/3/0"), device)).containsExactly(
                entry(path("/3/0/7/0"), new ResourceValue.IntegerValue(3800)),
                entry(path("/3/0/7/1"), new ResourceValue.IntegerValue(5000)),
                entry(path("/3/0/9"), new ResourceValue.IntegerValue(87)));
    }

    @Test
    void flattens_a_single_resource_to_its_own_path() {
        assertThat(NodeValueMapper.flatten(path("/3/0/9"), LwM2mSingleResource.newIntegerResource(9, 87)))
                .containsExactly(entry(path("/3/0/9"), new ResourceValue.IntegerValue(87)));
    }

    @Test
    void flattens_a_multiple_resource_to_its_instances() {
        assertThat(NodeValueMapper.flatten(path("/3/0/7"), POWER_VOLTAGES)).containsExactly(
                entry(path("/3/0/7/0"), new ResourceValue.IntegerValue(3800)),
                entry(path("/3/0/7/1"), new ResourceValue.IntegerValue(5000)));
    }

    @Test
    void flattens_a_resource_instance_to_its_own_path() {
        assertThat(NodeValueMapper.flatten(path("/3/0/7/1"), LwM2mResourceInstance.newIntegerInstance(1, 5000)))
                .containsExactly(entry(path("/3/0/7/1"), new ResourceValue.IntegerValue(5000)));
    }

    static Stream<Arguments> leshanValues() {
        return Stream.of(
                Arguments.of(42L, new ResourceValue.IntegerValue(42)),
                Arguments.of(-7, new ResourceValue.IntegerValue(-7)),
                Arguments.of(ULong.valueOf("18446744073709551615"),
                        new ResourceValue.UnsignedValue(new BigInteger("18446744073709551615"))),
                Arguments.of(21.5d, new ResourceValue.FloatValue(21.5)),
                Arguments.of(0.25f, new ResourceValue.FloatValue(0.25)),
                Arguments.of(Boolean.TRUE, new ResourceValue.BooleanValue(true)),
                Arguments.of("läm", new ResourceValue.StringValue("läm")),
                Arguments.of(new byte[] {0, 1, (byte) 0xff}, new ResourceValue.OpaqueValue(new byte[] {0, 1, (byte) 0xff})),
                Arguments.of(new Date(1_700_000_000_123L),
                        new ResourceValue.TimeValue(Instant.ofEpochMilli(1_700_000_000_123L))),
                Arguments.of(new org.eclipse.leshan.core.node.ObjectLink(3, 0),
                        new ResourceValue.ObjlnkValue(new ObjectLink(3, 0))),
                Arguments.of(new Link[] {new Link("/3/0"), new Link("/1/0")},
                        new ResourceValue.StringValue("</3/0>,</1/0>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leshanValues")
    void converts_each_leshan_java_type_to_its_typed_value(Object leshan, ResourceValue expected) {
        assertThat(NodeValueMapper.toValue(leshan)).isEqualTo(expected);
    }

    @Test
    void keeps_every_typed_value_of_a_decoded_instance() {
        LwM2mObjectInstance instance = new LwM2mObjectInstance(0,
                LwM2mSingleResource.newUnsignedIntegerResource(1, ULong.valueOf("18446744073709551615")),
                LwM2mSingleResource.newBooleanResource(2, true),
                LwM2mSingleResource.newBinaryResource(3, new byte[] {1}),
                LwM2mSingleResource.newDateResource(4, new Date(1_700_000_000_000L)),
                LwM2mSingleResource.newObjectLinkResource(5, new org.eclipse.leshan.core.node.ObjectLink(3, 0)));

        assertThat(NodeValueMapper.flatten(path("/32769/0"), instance)).containsExactly(
                entry(path("/32769/0/1"), new ResourceValue.UnsignedValue(new BigInteger("18446744073709551615"))),
                entry(path("/32769/0/2"), new ResourceValue.BooleanValue(true)),
                entry(path("/32769/0/3"), new ResourceValue.OpaqueValue(new byte[] {1})),
                entry(path("/32769/0/4"), new ResourceValue.TimeValue(Instant.ofEpochSecond(1_700_000_000L))),
                entry(path("/32769/0/5"), new ResourceValue.ObjlnkValue(new ObjectLink(3, 0))));
    }

    private static Lwm2mPath path(String text) {
        return Lwm2mPath.parse(text);
    }
}
