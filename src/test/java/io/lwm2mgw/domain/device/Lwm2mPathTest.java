package io.lwm2mgw.domain.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class Lwm2mPathTest {

    @Test
    void parses_the_root_path_as_zero_levels() {
        Lwm2mPath root = Lwm2mPath.parse("/");

        assertThat(root.depth()).isZero();
        assertThat(root.ids()).isEmpty();
        assertThat(root).hasToString("/");
    }

    @Test
    void parses_an_object_path() {
        Lwm2mPath path = Lwm2mPath.parse("/3");

        assertThat(path.depth()).isEqualTo(1);
        assertThat(path.objectId()).isEqualTo(3);
        assertThat(path).isEqualTo(Lwm2mPath.of(3)).hasToString("/3");
    }

    @Test
    void parses_a_resource_instance_path_with_all_four_levels() {
        Lwm2mPath path = Lwm2mPath.parse("/3/0/7/1");

        assertThat(path.ids()).containsExactly(3, 0, 7, 1);
        assertThat(path.objectId()).isEqualTo(3);
        assertThat(path.instanceId()).isZero();
        assertThat(path.resourceId()).isEqualTo(7);
        assertThat(path).isEqualTo(Lwm2mPath.of(3, 0, 7, 1)).hasToString("/3/0/7/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/3", "/3/0", "/3/0/13", "/3/0/7/1", "/65535/65535/65535/65535"})
    void formats_what_it_parses(String text) {
        assertThat(Lwm2mPath.parse(text)).hasToString(text);
    }

    @Test
    void accepts_a_missing_leading_slash_and_a_trailing_slash() {
        assertThat(Lwm2mPath.parse("3/0")).isEqualTo(Lwm2mPath.of(3, 0));
        assertThat(Lwm2mPath.parse("/3/0/")).isEqualTo(Lwm2mPath.of(3, 0));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "/a", "//3", "/3//0", "/3/70000", "/3/65536", "/3/0/7/1/2", "/-1", "/3/0x1",
        "/3/ 0", "/3/000001", "//", "/03", "/3/01", "/3/0/00"})
    void rejects_malformed_paths(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Lwm2mPath.parse(text));
    }

    @Test
    void names_the_problem_when_rejecting() {
        assertThatIllegalArgumentException().isThrownBy(() -> Lwm2mPath.parse("/a"))
                .withMessageContaining("'/a'");
        assertThatIllegalArgumentException().isThrownBy(() -> Lwm2mPath.parse("/3/70000"))
                .withMessageContaining("70000");
        assertThatIllegalArgumentException().isThrownBy(() -> Lwm2mPath.parse("/1/2/3/4/5"))
                .withMessageContaining("at most 4 levels");
    }

    @Test
    void level_accessors_refuse_levels_the_path_does_not_have() {
        assertThatIllegalStateException().isThrownBy(() -> Lwm2mPath.parse("/3").instanceId())
                .withMessageContaining("/3");
    }

    @Test
    void starts_with_itself_its_ancestors_and_the_root_only() {
        Lwm2mPath resource = Lwm2mPath.parse("/3/0/7");

        assertThat(resource.startsWith(Lwm2mPath.parse("/"))).isTrue();
        assertThat(resource.startsWith(Lwm2mPath.parse("/3"))).isTrue();
        assertThat(resource.startsWith(Lwm2mPath.parse("/3/0"))).isTrue();
        assertThat(resource.startsWith(resource)).isTrue();
        assertThat(resource.startsWith(Lwm2mPath.parse("/3/0/7/1"))).isFalse();
        assertThat(resource.startsWith(Lwm2mPath.parse("/3/1"))).isFalse();
        assertThat(resource.startsWith(Lwm2mPath.parse("/33"))).isFalse();
    }

    @Test
    void orders_by_levels_with_a_parent_before_its_children() {
        List<Lwm2mPath> paths = new ArrayList<>();
        for (String p : new String[] {"/4", "/3/0/7/1", "/3/1", "/3/0/7", "/3", "/", "/3/0/10", "/3/0/7/0", "/3/0"}) {
            paths.add(Lwm2mPath.parse(p));
        }
        Collections.sort(paths);

        assertThat(paths).map(Lwm2mPath::toString)
                .containsExactly("/", "/3", "/3/0", "/3/0/7", "/3/0/7/0", "/3/0/7/1", "/3/0/10", "/3/1", "/4");
    }

    @Test
    void is_immutable_although_it_holds_an_array() {
        int[] ids = {3, 0};
        Lwm2mPath path = new Lwm2mPath(ids);
        ids[0] = 4;
        path.ids()[1] = 9;

        assertThat(path).isEqualTo(Lwm2mPath.of(3, 0)).hasSameHashCodeAs(Lwm2mPath.of(3, 0));
    }
}
