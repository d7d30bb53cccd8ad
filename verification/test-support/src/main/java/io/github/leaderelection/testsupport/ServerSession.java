package io.github.leaderelection.testsupport;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of getting a server, once per run: the handle, or why there is none. The
 * failure is kept so that later test classes report it at once instead of trying (and
 * waiting) again. Closed by JUnit with the root store at the end of the run.
 */
final class ServerSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

    private final AbstractApiServerHandle handle;
    private final RuntimeException failure;

    private ServerSession(AbstractApiServerHandle handle, RuntimeException failure) {
        this.handle = handle;
        this.failure = failure;
    }

    static ServerSession open(Supplier<AbstractApiServerHandle> opener) {
        try {
            return new ServerSession(opener.get(), null);
        } catch (RuntimeException e) {
            // Said once here too: build tools count skipped tests but hide why.
            log.warn("Real-server tests will {}: {}", e instanceof TestAbortedException ? "be skipped" : "fail",
                    e.getMessage());
            return new ServerSession(null, e);
        }
    }

    /** The handle, or the failure to get one (a skip is rethrown as a skip). */
    AbstractApiServerHandle handle() {
        if (failure instanceof TestAbortedException) {
            throw new TestAbortedException(failure.getMessage());
        }
        if (failure instanceof ApiServerUnavailableException) {
            throw new ApiServerUnavailableException(failure.getMessage());
        }
        if (failure != null) {
            throw new IllegalStateException("The real API server could not be started (first attempt"
                    + " in this run failed): " + failure.getMessage(), failure);
        }
        return handle;
    }

    /** Whether there is no server because none was found (rather than one failing to start). */
    boolean isSkip() {
        return failure instanceof TestAbortedException;
    }

    /** Whether a server is there (for clean-up callbacks, which must not fail without one). */
    boolean hasServer() {
        return handle != null;
    }

    @Override
    public void close() {
        if (handle != null) {
            handle.close();
        }
    }
}
