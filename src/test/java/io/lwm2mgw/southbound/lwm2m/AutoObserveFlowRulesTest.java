package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutoObserveFlowRulesTest {

    /** What SmallRye Config would bind from {@code gateway.observe.rules[i].*}. */
    record Rule(Optional<String> path, Optional<List<String>> paths, Optional<Long> pmin, Optional<Long> pmax,
            Optional<Double> greaterThan, Optional<Double> lessThan, Optional<Double> step, Optional<String> format)
            implements GatewayConfig.ObserveRuleConfig {

        static Rule observeTogether(String... paths) {
            return new Rule(Optional.empty(), Optional.of(List.of(paths)), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        static Rule observe(String path) {
            return new Rule(Optional.of(path), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }

        Rule pmin(long v) {
            return new Rule(path, paths, Optional.of(v), pmax, greaterThan, lessThan, step, format);
        }

        Rule pmax(long v) {
            return new Rule(path, paths, pmin, Optional.of(v), greaterThan, lessThan, step, format);
        }

        Rule gt(double v) {
            return new Rule(path, paths, pmin, pmax, Optional.of(v), lessThan, step, format);
        }

        Rule lt(double v) {
            return new Rule(path, paths, pmin, pmax, greaterThan, Optional.of(v), step, format);
        }

        Rule format(String v) {
            return new Rule(path, paths, pmin, pmax, greaterThan, lessThan, step, Optional.of(v));
        }

        Rule st(double v) {
            return new Rule(path, paths, pmin, pmax, greaterThan, lessThan, Optional.of(v), format);
        }
    }

    static List<AutoObserveFlow.Rule> rules(Rule... rules) {
        List<GatewayConfig.ObserveRuleConfig> list = List.of(rules);
        return AutoObserveFlow.rules(() -> list);
    }

    @ParameterizedTest
    @CsvSource({"text,0", "opaque,42", "tlv,11542", "json,11543", "senml-json,110", "senml-cbor,112", "cbor,60"})
    void a_rule_may_name_the_content_format_to_ask_for(String name, int coapContentFormat) {
        assertThat(rules(Rule.observe("/3303").format(name)).get(0).format().getCode()).isEqualTo(coapContentFormat);
    }

    @Test
    void a_rule_without_format_lets_the_gateway_choose() {
        assertThat(rules(Rule.observe("/3303")).get(0).format()).isNull();
    }

    @Test
    void an_unknown_format_is_refused_naming_the_key() {
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/3303").format("xml")))
                .withMessageStartingWith("gateway.observe.rules[0].format: unknown content format 'xml'");
    }

    @Test
    void no_configured_rules_give_no_rules() {
        assertThat(rules()).isEmpty();
    }

    @Test
    void converts_the_path_and_every_attribute_in_order() {
        List<AutoObserveFlow.Rule> rules = rules(Rule.observe("/3/0/9"),
                Rule.observe("/3303/0/5700").pmin(10).pmax(60).gt(30.5).lt(5).st(1));

        assertThat(rules).extracting(AutoObserveFlow.Rule::paths)
                .containsExactly(List.of(Lwm2mPath.of(3, 0, 9)), List.of(Lwm2mPath.of(3303, 0, 5700)));
        assertThat(rules.get(0).attributes().isEmpty()).isTrue();
        LwM2mAttributeSet attributes = rules.get(1).attributes();
        assertThat(attributes.getLwM2mAttribute(LwM2mAttributes.MINIMUM_PERIOD).getValue()).isEqualTo(10L);
        assertThat(attributes.getLwM2mAttribute(LwM2mAttributes.MAXIMUM_PERIOD).getValue()).isEqualTo(60L);
        assertThat(attributes.getLwM2mAttribute(LwM2mAttributes.GREATER_THAN).getValue())
                .isEqualByComparingTo(new BigDecimal("30.5"));
        assertThat(attributes.getLwM2mAttribute(LwM2mAttributes.LESSER_THAN).getValue())
                .isEqualByComparingTo(new BigDecimal("5"));
        assertThat(attributes.getLwM2mAttribute(LwM2mAttributes.STEP).getValue())
                .isEqualByComparingTo(new BigDecimal("1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/3303", "/3303/0"})
    void allows_periods_on_object_and_instance_paths(String path) {
        LwM2mAttributeSet attributes = rules(Rule.observe(path).pmin(0).pmax(60)).get(0).attributes();

        assertThat(attributes.contains(LwM2mAttributes.MINIMUM_PERIOD)).isTrue();
        assertThat(attributes.contains(LwM2mAttributes.MAXIMUM_PERIOD)).isTrue();
    }

    @Test
    void allows_thresholds_on_a_resource_instance_path() {
        assertThat(rules(Rule.observe("/3/0/7/1").gt(4000)).get(0).attributes()
                .contains(LwM2mAttributes.GREATER_THAN)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"3/x", "", "/3//0", "/3/70000", "/1/2/3/4/5"})
    void a_bad_path_names_its_key(String path) {
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/3/0/9"), Rule.observe(path)))
                .withMessageStartingWith("gateway.observe.rules[1].path: ");
    }

    @Test
    void refuses_to_observe_the_root_path() {
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/")))
                .withMessage("gateway.observe.rules[0].path: the root path cannot be observed");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"gt, /3303", "lt, /3303", "st, /3303", "gt, /3303/0", "lt, /3303/0", "st, /3303/0"})
    void refuses_thresholds_on_object_and_instance_paths(String attribute, String path) {
        Rule rule = Rule.observe(path);
        Rule withThreshold = attribute.equals("gt") ? rule.gt(1) : attribute.equals("lt") ? rule.lt(1) : rule.st(1);

        assertThatIllegalArgumentException().isThrownBy(() -> rules(withThreshold))
                .withMessage("gateway.observe.rules[0]: gt, lt and st apply to a resource path only");
    }

    @Test
    void refuses_a_negative_period() {
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/3303").pmin(-1)))
                .withMessageContaining("pmin");
    }

    @Test
    void refuses_inconsistent_attributes_at_start_naming_the_rule() {
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/3303").pmin(60).pmax(10)))
                .withMessageStartingWith("gateway.observe.rules[0]");
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observe("/3303/0/5700").gt(5).lt(30)))
                .withMessageStartingWith("gateway.observe.rules[0]");
    }

    @Test
    void a_composite_rule_observes_its_paths_together() {
        AutoObserveFlow.Rule rule = rules(Rule.observeTogether("/3303/0/5700", "/3/0/9").pmax(60)).get(0);

        assertThat(rule.composite()).isTrue();
        assertThat(rule.paths()).containsExactly(Lwm2mPath.of(3303, 0, 5700), Lwm2mPath.of(3, 0, 9));
        assertThat(rule.attributes().getLwM2mAttribute(LwM2mAttributes.MAXIMUM_PERIOD).getValue()).isEqualTo(60L);
    }

    @Test
    void a_rule_gives_exactly_one_of_path_and_paths_and_no_overlapping_paths() {
        Rule both = new Rule(Optional.of("/3/0/9"), Optional.of(List.of("/3303")), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertThatIllegalArgumentException().isThrownBy(() -> rules(both))
                .withMessage("gateway.observe.rules[0]: give exactly one of path and paths");
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observeTogether("/3/0", "/3/0/9")))
                .withMessage("gateway.observe.rules[0].paths: /3/0/9 and /3/0 overlap");
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observeTogether("/3/0/9").format("tlv")))
                .withMessageContaining("SenML");
        assertThatIllegalArgumentException().isThrownBy(() -> rules(Rule.observeTogether("/3303", "/3/0/9").gt(5)))
                .withMessage("gateway.observe.rules[0]: gt, lt and st apply to a resource path only");
    }
}
