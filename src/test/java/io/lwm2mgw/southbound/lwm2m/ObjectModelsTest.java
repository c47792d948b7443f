package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectModelsTest {

    private static final Path BUILT_IN = Path.of("src/main/resources/object-models");

    /** A minimal valid DDF file of a vendor object. */
    private static final String VENDOR_DDF = """
            <?xml version="1.0" encoding="utf-8"?>
            <LWM2M>
              <Object ObjectType="MODefinition">
                <Name>Vendor Counter</Name>
                <Description1>Test object.</Description1>
                <ObjectID>32769</ObjectID>
                <ObjectURN>urn:oma:lwm2m:x:32769</ObjectURN>
                <LWM2MVersion>1.1</LWM2MVersion>
                <ObjectVersion>1.0</ObjectVersion>
                <MultipleInstances>Single</MultipleInstances>
                <Mandatory>Optional</Mandatory>
                <Resources>
                  <Item ID="0">
                    <Name>Count</Name>
                    <Operations>R</Operations>
                    <MultipleInstances>Single</MultipleInstances>
                    <Mandatory>Mandatory</Mandatory>
                    <Type>Unsigned Integer</Type>
                    <RangeEnumeration></RangeEnumeration>
                    <Units></Units>
                    <Description>A counter.</Description>
                  </Item>
                </Resources>
                <Description2></Description2>
              </Object>
            </LWM2M>
            """;

    @Test
    void index_lists_exactly_the_built_in_ddf_files() throws IOException {
        List<String> index = Files.readAllLines(BUILT_IN.resolve("index.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> files;
        try (Stream<Path> list = Files.list(BUILT_IN)) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml")).toList();
        }

        assertThat(index).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void built_in_models_type_ipso_resources() {
        List<ObjectModel> models = ObjectModels.load(Optional.empty());

        assertThat(model(models, 3303).resources.get(5700).type).isEqualTo(Type.FLOAT);
        assertThat(model(models, 3303).resources.get(5701).type).isEqualTo(Type.STRING);
        assertThat(model(models, 3311).resources.get(5850).type).isEqualTo(Type.BOOLEAN);
        assertThat(model(models, 3311).resources.get(5851).type).isEqualTo(Type.INTEGER);
    }

    @Test
    void keeps_leshans_core_objects_next_to_the_built_in_ones() {
        assertThat(ObjectModels.load(Optional.empty())).extracting(m -> m.id)
                .contains(0, 1, 3, 5, 3300, 3303, 3311, 3336);
    }

    @Test
    void adds_the_models_of_an_operator_folder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("32769.xml"), VENDOR_DDF, StandardCharsets.UTF_8);

        List<ObjectModel> models = ObjectModels.load(Optional.of(dir));

        assertThat(model(models, 32769).resources.get(0).type).isEqualTo(Type.UNSIGNED_INTEGER);
        assertThat(models).hasSize(ObjectModels.load(Optional.empty()).size() + 1);
    }

    @Test
    void a_missing_folder_fails_naming_the_config_key(@TempDir Path dir) {
        assertThatIllegalArgumentException().isThrownBy(() -> ObjectModels.load(Optional.of(dir.resolve("absent"))))
                .withMessageStartingWith("gateway.lwm2m.models-directory: ");
    }

    @Test
    void a_broken_ddf_file_fails_naming_the_config_key(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("32769.xml"), VENDOR_DDF, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("broken.xml"), "<LWM2M><Object><ObjectID>32770", StandardCharsets.UTF_8);

        assertThatIllegalArgumentException().isThrownBy(() -> ObjectModels.load(Optional.of(dir)))
                .withMessageStartingWith("gateway.lwm2m.models-directory: ")
                .withMessageContaining("broken.xml");
    }

    private static ObjectModel model(List<ObjectModel> models, int id) {
        return models.stream().filter(m -> m.id == id).findFirst()
                .orElseThrow(() -> new AssertionError("no model for object " + id));
    }
}
