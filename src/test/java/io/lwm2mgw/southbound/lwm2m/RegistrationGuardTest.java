package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationGuardTest {

    @Test
    void accepts_well_formed_register_parameters() {
        assertThat(RegistrationGuard.problem(List.of("ep=urn:imei:1/2", "lt=300", "lwm2m=1.1", "b=UQ", "Q"), true))
                .isEmpty();
    }

    @Test
    void accepts_an_update_without_endpoint_and_parameters_it_does_not_know() {
        assertThat(RegistrationGuard.problem(List.of(), false)).isEmpty();
        assertThat(RegistrationGuard.problem(List.of("lt=60", "sms=+15550100", "x-vendor=1"), false)).isEmpty();
    }

    @Test
    void a_register_without_endpoint_name_is_refused() {
        assertThat(RegistrationGuard.problem(List.of("lt=60", "lwm2m=1.1"), true))
                .contains("endpoint name (ep) is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ep=a\u0000b", "ep=dev\n1", "ep=\u001f", "ep=dev\u007f"})
    void an_endpoint_name_with_a_control_character_is_refused(String param) {
        assertThat(RegistrationGuard.problem(List.of(param, "lt=60"), true))
                .contains("endpoint name (ep) contains a control character");
        assertThat(RegistrationGuard.problem(List.of(param), false))
                .contains("endpoint name (ep) contains a control character");
    }

    @Test
    void a_quoted_version_is_accepted() {
        assertThat(RegistrationGuard.problem(List.of("ep=dev-1", "lwm2m=\"1.1\""), true)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lt=1", "lt=4294967295", "b=U", "b=S", "b=UQS", "b=TN", "lwm2m=1.0", "lwm2m=1.2"})
    void accepts_boundary_values(String param) {
        assertThat(RegistrationGuard.problem(List.of("ep=dev-1", param), true)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "lt=abc         | lifetime (lt) 'abc'",
        "lt=0           | lifetime (lt) '0' must be at least 1 second",
        "lt=00          | lifetime (lt) '00' must be at least 1 second",
        "ep=dev-2       | endpoint name (ep) is given more than once",
        "lwm2m=1.1      | parameter 'lwm2m' is given more than once",
        "lt=-1          | lifetime (lt) '-1'",
        "lt=            | lifetime (lt) ''",
        "lt=1.5         | lifetime (lt) '1.5'",
        "lt=4294967296  | lifetime (lt) '4294967296'",
        "lt=99999999999 | lifetime (lt) '99999999999'",
        "lwm2m=x        | LwM2M version (lwm2m) 'x'",
        "lwm2m=1        | LwM2M version (lwm2m) '1'",
        "b=UX           | binding (b) 'UX'",
        "b=u            | binding (b) 'u'",
        "b=             | binding (b) ''",
        "ep=            | endpoint name (ep)",
        "ep             | endpoint name (ep)",
    })
    void rejects_a_malformed_parameter_and_names_it(String param, String expected) {
        assertThat(RegistrationGuard.problem(List.of("ep=dev-1", "lwm2m=1.0", param), true)).hasValueSatisfying(
                problem -> assertThat(problem).startsWith(expected));
    }

    @Test
    void reports_the_first_problem() {
        assertThat(RegistrationGuard.problem(List.of("ep=dev-1", "b=X", "lt=abc"), true))
                .hasValueSatisfying(problem -> assertThat(problem).contains("(b)").doesNotContain("(lt)"));
    }

    @Test
    void a_parameter_that_is_not_utf8_is_refused_before_it_is_decoded_lossily() {
        var ff = org.eclipse.californium.core.coap.option.StandardOptionRegistry.URI_QUERY.create(
                new byte[] {'e', 'p', '=', 'c', 'o', 'l', 'l', (byte) 0xff});
        var ok = org.eclipse.californium.core.coap.option.StandardOptionRegistry.URI_QUERY.create("lt=60");
        var vendor = org.eclipse.californium.core.coap.option.StandardOptionRegistry.URI_QUERY.create(
                new byte[] {'x', (byte) 0xc0, (byte) 0x80, '=', '1'});

        assertThat(RegistrationGuard.notUtf8(List.of(ok, ff))).contains("endpoint name (ep) is not UTF-8");
        assertThat(RegistrationGuard.notUtf8(List.of(vendor))).contains("query parameter 'x??' is not UTF-8");
        assertThat(RegistrationGuard.notUtf8(List.of(ok,
                org.eclipse.californium.core.coap.option.StandardOptionRegistry.URI_QUERY.create("ep=caf\u00e9")))).isEmpty();
    }
}
