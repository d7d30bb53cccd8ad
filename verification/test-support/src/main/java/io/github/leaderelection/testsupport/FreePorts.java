package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports for the processes we start. */
final class FreePorts {

    private FreePorts() {
    }

    /**
     * Returns a port that was free a moment ago. Another process may take it before ours binds
     * it; that race is rare on a test machine and shows up as a clear "address already in use"
     * in the start failure.
     */
    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
