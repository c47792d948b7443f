package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.device.Lwm2mPath;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.node.codec.CodecException;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.request.ContentFormat;

/**
 * Fuzzes the payload path of a notification or read response as the gateway runs it: Leshan's decoder with our
 * models, then {@link NodeValueMapper}. Whatever a device sends, decoding either fails with a
 * {@link CodecException} (the gateway answers or logs it as a bad payload) or yields values we can map.
 */
class PayloadDecoderFuzzTest {

    private static final LwM2mModel MODEL = model();
    private static final DefaultLwM2mDecoder DECODER = new DefaultLwM2mDecoder();
    private static final List<ContentFormat> FORMATS = List.of(ContentFormat.TLV, ContentFormat.SENML_JSON,
            ContentFormat.SENML_CBOR, ContentFormat.JSON, ContentFormat.TEXT, ContentFormat.OPAQUE,
            ContentFormat.CBOR);
    private static final List<String> PATHS = List.of("/3/0", "/3303/0", "/3303/0/5700", "/3/0/7", "/3/0/9");

    private static LwM2mModel model() {
        List<ObjectModel> models = new ArrayList<>(org.eclipse.leshan.core.model.ObjectLoader.loadAllDefault());
        models.addAll(ObjectModels.load(java.util.Optional.empty()));
        return new StaticModel(models);
    }

    @Property
    void decoding_any_payload_fails_cleanly_or_maps_to_values(@ForAll("payloads") byte[] payload,
            @ForAll("formats") ContentFormat format, @ForAll("paths") String path) {
        LwM2mNode node;
        try {
            node = DECODER.decode(payload, format, null, new LwM2mPath(path), MODEL);
        } catch (CodecException expected) {
            return;
        }
        if (node != null) {
            assertThat(NodeValueMapper.flatten(Lwm2mPath.parse(path), node)).isNotNull();
        }
    }

    @Provide
    Arbitrary<ContentFormat> formats() {
        return Arbitraries.of(FORMATS);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(PATHS);
    }

    /** Random bytes, and valid encodings of a Device and a Temperature instance with bytes flipped. */
    @Provide
    Arbitrary<byte[]> payloads() {
        DefaultLwM2mEncoder encoder = new DefaultLwM2mEncoder();
        List<byte[]> seeds = new ArrayList<>();
        LwM2mObjectInstance device = new LwM2mObjectInstance(0, LwM2mSingleResource.newStringResource(0, "ACME"),
                LwM2mSingleResource.newIntegerResource(9, 87));
        LwM2mObjectInstance temperature = new LwM2mObjectInstance(0, LwM2mSingleResource.newFloatResource(5700, 21.5),
                LwM2mSingleResource.newStringResource(5701, "Cel"));
        for (ContentFormat format : List.of(ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR,
                ContentFormat.JSON)) {
            seeds.add(encoder.encode(device, format, null, new LwM2mPath("/3/0"), MODEL));
            seeds.add(encoder.encode(temperature, format, null, new LwM2mPath("/3303/0"), MODEL));
        }
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(128);
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(seeds),
                Arbitraries.integers().between(0, 4096).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(4), Arbitraries.integers().between(0, 3))
                .as((seed, positions, values, truncate) -> {
                    byte[] copy = seed.clone();
                    for (int i = 0; i < positions.size(); i++) {
                        copy[positions.get(i) % copy.length] = values.get(i % values.size());
                    }
                    return truncate == 0 ? java.util.Arrays.copyOf(copy, copy.length / 2) : copy;
                });
        return Arbitraries.oneOf(random, mutated);
    }
}
