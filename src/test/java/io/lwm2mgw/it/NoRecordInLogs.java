package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when the gateway logged, while it ran, a line that prints a Java record ({@code Name[field=...]}):
 * a log line names the fields an operator needs, never a record's toString. Only the gateway's own loggers
 * ({@code io.lwm2mgw}) are checked, at every level they log at in the test profile (DEBUG).
 */
public final class NoRecordInLogs implements BeforeEachCallback, AfterEachCallback {

    /** What a record's default toString looks like: a capitalised name, then "[" and the first field's name. */
    public static final Pattern RECORD_TO_STRING = Pattern.compile("\\b[A-Z][A-Za-z]+\\[[a-z][A-Za-z]*=");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoRecordInLogs.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("capture", LogCapture.start());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try (LogCapture capture = context.getStore(NAMESPACE).remove("capture", LogCapture.class)) {
            assertNoRecordIn(capture.lines());
        }
    }

    /** Asserts that none of the gateway's {@code lines} prints a record. */
    public static void assertNoRecordIn(List<LogCapture.Line> lines) {
        assertThat(lines.stream().filter(l -> l.logger().startsWith("io.lwm2mgw"))
                .filter(l -> RECORD_TO_STRING.matcher(l.message()).find()).map(LogCapture.Line::toString))
                .as("gateway log lines that print a record's toString").isEmpty();
    }
}
