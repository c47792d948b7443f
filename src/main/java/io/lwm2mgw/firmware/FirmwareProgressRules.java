package io.lwm2mgw.firmware;

import java.util.Optional;

/**
 * What a report of the device's Firmware Update state machine (spec E.6: State /5/0/3, Update Result
 * /5/0/5) means for an update in a given phase. Pure: the flow feeds reports in and acts on the decisions.
 */
final class FirmwareProgressRules {

    private FirmwareProgressRules() {
    }

    /** The gateway's view of where an update stands. */
    enum Phase {
        /** The image is being delivered (pushed, or pulled by the device). */
        DOWNLOADING,
        /** Update /5/0/2 was executed; waiting for the Update Result, across the device's reboot. */
        UPDATING
    }

    /** State resource values. */
    static final int IDLE = 0;
    static final int DOWNLOADING_STATE = 1;
    static final int DOWNLOADED = 2;
    static final int UPDATING_STATE = 3;

    /** Update Result values that matter to the rules. */
    static final int INITIAL = 0;
    static final int SUCCESS = 1;

    /** What the flow does next. */
    enum Action {
        /** Nothing changed that matters: keep waiting. */
        WAIT,
        /** The device holds the whole image: execute Update, or end here when told not to. */
        DOWNLOADED,
        /** The update succeeded. */
        SUCCEEDED,
        /** The device reported a failure (the update result says which). */
        FAILED
    }

    /**
     * @param state        the last known State, if known
     * @param updateResult the last known Update Result, if known
     */
    static Action decide(Phase phase, Optional<Integer> state, Optional<Integer> updateResult) {
        int result = updateResult.orElse(INITIAL);
        boolean failure = result >= 2;
        switch (phase) {
            case DOWNLOADING:
                if (failure && state.orElse(IDLE) == IDLE) {
                    return Action.FAILED;
                }
                if (state.isPresent() && state.get() == DOWNLOADED) {
                    return Action.DOWNLOADED;
                }
                return Action.WAIT;
            case UPDATING:
                if (result == SUCCESS) {
                    return Action.SUCCEEDED;
                }
                if (failure) {
                    return Action.FAILED;
                }
                // Updating, or Idle/Downloaded with result 0 while the device reboots or has not begun
                return Action.WAIT;
            default:
                throw new IllegalArgumentException("unknown phase " + phase);
        }
    }
}
