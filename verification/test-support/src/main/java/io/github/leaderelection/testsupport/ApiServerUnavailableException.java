package io.github.leaderelection.testsupport;

/**
 * No real API server could be had for the tests: the run is on CI, where skipping the
 * real-server tests silently would hide their absence, or the source was asked for by name
 * ({@code LEADER_ELECTION_APISERVER}) and is not there. Otherwise the tests are skipped
 * instead, with the same message.
 */
public class ApiServerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message how to get a server */
    public ApiServerUnavailableException(String message) {
        super(message);
    }
}
