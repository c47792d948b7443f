package io.lwm2mgw.domain.device;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One typed LwM2M value. The variants are the LwM2M data types that have distinct JSON forms.
 */
public sealed interface ResourceValue {

    record IntegerValue(long value) implements ResourceValue { }

    /** Unsigned Integer (LwM2M 1.1); kept apart so values above Long.MAX_VALUE survive. */
    record UnsignedValue(java.math.BigInteger value) implements ResourceValue {
        public UnsignedValue {
            Objects.requireNonNull(value);
        }
    }

    record FloatValue(double value) implements ResourceValue { }

    record BooleanValue(boolean value) implements ResourceValue { }

    record StringValue(String value) implements ResourceValue {
        public StringValue {
            Objects.requireNonNull(value);
        }
    }

    record OpaqueValue(byte[] value) implements ResourceValue {
        public OpaqueValue {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OpaqueValue other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "OpaqueValue[" + value.length + " bytes]";
        }
    }

    record TimeValue(Instant value) implements ResourceValue {
        public TimeValue {
            Objects.requireNonNull(value);
        }
    }

    record ObjlnkValue(ObjectLink value) implements ResourceValue {
        public ObjlnkValue {
            Objects.requireNonNull(value);
        }
    }
}
