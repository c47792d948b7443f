package io.lwm2mgw.app;

import io.lwm2mgw.ops.ConfigReport;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The gateway's entry point: Quarkus' own, except that a refused configuration is reported in full (SmallRye's
 * refusals and the gateway's checks together, see {@link ConfigReport}), without a stack trace.
 */
@QuarkusMain
public final class GatewayMain {

    GatewayMain() {
        // Quarkus makes the @QuarkusMain class a bean: a private constructor would need reflection
    }

    public static void main(String... args) {
        Quarkus.run(null, GatewayMain::exit, args);
    }

    private static void exit(Integer code, Throwable failure) {
        if (failure != null) {
            report(failure);
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(code, failure);
    }

    /** A port the gateway could not bind (the LwM2M endpoints'), anywhere in the failure's causes. */
    private static java.net.BindException bindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private static void report(Throwable failure) {
        ConfigValidationException invalid = ConfigReport.configurationProblems(failure);
        if (invalid != null) {
            java.util.List<String> problems;
            try {
                problems = ConfigReport.problems(invalid, ConfigProvider.getConfig().unwrap(SmallRyeConfig.class));
            } catch (RuntimeException unavailable) {
                problems = java.util.List.of(invalid.getMessage());
            }
            System.err.println("The configuration is refused; fix every key below, then start again:\n\t"
                    + String.join("\n\t", problems));
        } else if (failure instanceof QuarkusBindException bind) {
            Logger.getLogger(GatewayMain.class).errorf("Port %d on %s is in use by another process", bind.getPort(),
                    bind.getHost());
        } else {
            java.net.BindException bind = bindFailure(failure);
            if (bind != null) {
                Logger.getLogger(GatewayMain.class).error(bind.getMessage());
            } else {
                Logger.getLogger(GatewayMain.class).error("Failed to start the gateway", failure);
            }
        }
    }
}
