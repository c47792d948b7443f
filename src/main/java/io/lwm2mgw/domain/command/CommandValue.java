package io.lwm2mgw.domain.command;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A value as an application wrote it in a command (a JSON string, number or boolean). The southbound turns it
 * into the resource's LwM2M type using the object model, and refuses it when it does not fit.
 */
public sealed interface CommandValue {

    record Text(String value) implements CommandValue {
        public Text {
            Objects.requireNonNull(value);
        }
    }

    record Number(BigDecimal value) implements CommandValue {
        public Number {
            Objects.requireNonNull(value);
        }
    }

    record Bool(boolean value) implements CommandValue { }
}
