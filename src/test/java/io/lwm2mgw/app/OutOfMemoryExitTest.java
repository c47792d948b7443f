package io.lwm2mgw.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A thread that dies of an OutOfMemoryError ends the process; any other death is passed on. */
class OutOfMemoryExitTest {

    private final List<Integer> halted = new ArrayList<>();
    private final List<Throwable> passedOn = new ArrayList<>();
    private final OutOfMemoryExit rule = new OutOfMemoryExit((t, e) -> passedOn.add(e), halted::add);

    private void die(Throwable error) throws InterruptedException {
        Thread thread = new Thread(() -> {
            throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
        });
        thread.setUncaughtExceptionHandler(rule);
        thread.start();
        thread.join();
    }

    @Test
    void an_out_of_memory_error_halts_with_the_jvms_status() throws InterruptedException {
        die(new OutOfMemoryError("Java heap space"));

        assertThat(halted).containsExactly(3);
        assertThat(passedOn).isEmpty();
    }

    @Test
    void any_other_death_is_left_to_the_handler_before() throws InterruptedException {
        die(new IllegalArgumentException("bad input"));

        assertThat(halted).isEmpty();
        assertThat(passedOn).singleElement().isInstanceOf(IllegalArgumentException.class);
    }
}
