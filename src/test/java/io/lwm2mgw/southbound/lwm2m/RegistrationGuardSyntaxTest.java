package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written checks of the registration guard accept exactly what the grammar's expressions accept. */
class RegistrationGuardSyntaxTest {

    private static final Pattern VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}");
    private static final Pattern BINDING = Pattern.compile("[USQTN]+");

    @Property(tries = 3000)
    void versionCheckMatchesTheExpression(@ForAll("versionish") String value) {
        assertThat(RegistrationGuard.isVersion(value)).isEqualTo(VERSION.matcher(value).matches());
    }

    @Property(tries = 3000)
    void bindingCheckMatchesTheExpression(@ForAll("bindingish") String value) {
        assertThat(RegistrationGuard.isBinding(value)).isEqualTo(BINDING.matcher(value).matches());
    }

    @Provide
    Arbitrary<String> versionish() {
        return Arbitraries.strings().withChars("0123456789.a\"-").ofMinLength(0).ofMaxLength(9);
    }

    @Provide
    Arbitrary<String> bindingish() {
        return Arbitraries.strings().withChars("USQTNuxq1 ").ofMinLength(0).ofMaxLength(6);
    }
}
