package io.github.leaderelection.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder to put between one client and the API server, so a test can take
 * that client's network away while others keep theirs.
 *
 * <p>It forwards bytes and nothing else: TLS stays end to end, so a client going through it
 * must trust the server's CA and verify a host the server certificate covers (the local
 * server's covers 127.0.0.1, which is where the proxy listens). Faults:
 * <ul>
 *   <li>{@link #cutConnections()} resets every open connection once; new ones are forwarded;</li>
 *   <li>{@link #cutOff()} resets every open connection and every new one, until {@link #resume()}:
 *       the server is unreachable for this client;</li>
 *   <li>{@link #stall()} stops forwarding in both directions without closing anything (new
 *       connections are accepted but get no answer), until {@link #resume()}: a black hole,
 *       where only the client's own timeouts help. Bytes already read are held, not lost;</li>
 *   <li>{@link #latency(Duration)} holds every chunk read from either side for that long before
 *       writing it on, in order, until {@link #resume()} (or another latency): a slow network.
 *       A request and its answer cross the proxy twice, so a round trip takes twice as long.</li>
 * </ul>
 *
 * <p>A client with HTTP/2 multiplexes all its requests (watches too) over one connection, so
 * one cut hits all of them.
 *
 * <p>{@link #to(String, int)} builds a proxy that opens its upstream connections its own way
 * (TLS, say) and carries the upstream-to-client direction through a {@link Relay} of its own (one
 * that rewrites answers); the faults act on what a relay writes, as they do on the bytes.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 16 * 1024;
    /** How often a held chunk looks at the latency again (a lower one releases it sooner). */
    private static final long LATENCY_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Opens the upstream connection for one client connection. */
    @FunctionalInterface
    public interface Upstream {

        /** A connected socket to {@code target}; on failure it closes what it opened and throws. */
        Socket connect(InetSocketAddress target, int timeoutMillis) throws IOException;
    }

    /** Carries one direction of a connection. */
    @FunctionalInterface
    public interface Relay {

        /**
         * Reads {@code from} until its end (or a failure) and writes what the other side gets to
         * {@code to}, flushing where the other side must not wait. When it returns or throws,
         * the connection ends in both directions.
         */
        void carry(InputStream from, OutputStream to) throws IOException;
    }

    /** The bytes as they come, each chunk written on as soon as it is read. */
    public static final Relay BYTES = (from, to) -> {
        byte[] buffer = new byte[BUFFER_SIZE];
        int n;
        while ((n = from.read(buffer)) >= 0) {
            to.write(buffer, 0, n);
            to.flush();
        }
    };

    /** A plain TCP connection. */
    public static final Upstream PLAIN = (target, timeoutMillis) -> {
        Socket socket = new Socket();
        try {
            socket.connect(target, timeoutMillis);
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    };

    private enum Mode { FORWARD, STALL, CUT_OFF }

    private final InetSocketAddress target;
    private final Upstream upstream;
    private final Relay toClient;
    private final ServerSocket serverSocket;
    private final ExecutorService threads;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile long latencyNanos;
    private volatile boolean closed;

    private TcpProxy(Builder builder) throws IOException {
        this.target = new InetSocketAddress(builder.host, builder.port);
        this.upstream = builder.upstream;
        this.toClient = builder.toClient;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String prefix = builder.name + "-" + serverSocket.getLocalPort() + "-";
        AtomicInteger threadNumber = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, prefix + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /** Starts a proxy on a free loopback port forwarding to {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        return to(host, port).start();
    }

    /** A proxy to {@code host:port}, to configure before {@link Builder#start()}. */
    public static Builder to(String host, int port) {
        return new Builder(host, port);
    }

    /** The loopback address clients connect to: {@code 127.0.0.1}. */
    public String host() {
        return serverSocket.getInetAddress().getHostAddress();
    }

    /** The port clients connect to. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return connections.size();
    }

    /** Connections accepted since the start (reconnects show up here). */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Resets every open connection now; later connections are forwarded as usual. */
    public void cutConnections() {
        for (Connection connection : connections) {
            connection.close(true);
        }
    }

    /** Resets every open connection and every new one until {@link #resume()}. */
    public void cutOff() {
        mode = Mode.CUT_OFF;
        cutConnections();
    }

    /** Stops forwarding (connections stay open, bytes are held) until {@link #resume()}. */
    public void stall() {
        mode = Mode.STALL;
    }

    /**
     * Holds every chunk for {@code latency} after it was read before writing it on (zero: no
     * delay). Chunks already held wait for the new value.
     */
    public void latency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        latencyNanos = latency.toNanos();
    }

    /**
     * Back to plain forwarding after {@link #stall()}, {@link #cutOff()} or {@link
     * #latency(Duration)}: no stall, no cut-off, no latency. Held bytes go out first.
     */
    public void resume() {
        latencyNanos = 0;
        synchronized (gate) {
            mode = Mode.FORWARD;
            gate.notifyAll();
        }
    }

    /** Stops listening and resets every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Closing a listening socket has no failure worth reporting.
        }
        cutConnections();
        synchronized (gate) {
            gate.notifyAll();
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "TcpProxy[" + host() + ":" + port() + " -> " + target + ", " + mode
                + (latencyNanos > 0 ? ", latency " + TimeUnit.NANOSECONDS.toMillis(latencyNanos) + " ms" : "") + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (mode == Mode.CUT_OFF) {
                reset(client);
            } else {
                // Connect off the accept thread so a slow upstream cannot hold up other clients.
                threads.execute(() -> connect(client));
            }
        }
    }

    private void connect(Socket client) {
        Socket server;
        try {
            server = upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException | RuntimeException e) {
            reset(client); // as a refused connection looks to the client
            return;
        }
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            reset(client);
            reset(server);
            return;
        }
        Connection connection = new Connection(client, server);
        connections.add(connection);
        if (mode == Mode.CUT_OFF || closed) {
            // cutOff() ran while we were connecting and did not see this one.
            connection.close(true);
            return;
        }
        threads.execute(() -> connection.carry(BYTES, client, server));
        threads.execute(() -> connection.carry(toClient, server, client));
    }

    /** Closes with SO_LINGER 0, which sends RST: the peer sees "connection reset". */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // Already closed or never connected: a plain close is all that is left to do.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do about a failing close.
        }
    }

    /** What {@link #to(String, int)} configures. */
    public static final class Builder {

        private final String host;
        private final int port;
        private Upstream upstream = PLAIN;
        private Relay toClient = BYTES;
        private String name = "tcp-proxy";

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** How each upstream connection is opened; {@link #PLAIN} by default. */
        public Builder upstream(Upstream upstream) {
            this.upstream = upstream;
            return this;
        }

        /** What carries the answers, from upstream to the client; {@link #BYTES} by default. */
        public Builder toClient(Relay relay) {
            this.toClient = relay;
            return this;
        }

        /** The start of the proxy's thread names ({@code tcp-proxy} by default). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Starts the proxy on a free loopback port. */
        public TcpProxy start() {
            try {
                return new TcpProxy(this);
            } catch (IOException e) {
                throw new UncheckedIOException("could not open a proxy port", e);
            }
        }
    }

    /** One client connection and its upstream twin. */
    private final class Connection {

        private final Socket client;
        private final Socket server;
        private volatile boolean ended;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void carry(Relay relay, Socket from, Socket to) {
            try {
                relay.carry(from.getInputStream(), new Forwarding(to.getOutputStream()));
            } catch (IOException endOfThisConnection) {
                // Reset, closed by either side, or cut by us: the connection is over.
            } finally {
                // Either side ending ends both: HTTP and TLS clients never rely on half-close.
                close(false);
            }
        }

        void close(boolean hard) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            connections.remove(this);
            if (hard) {
                reset(client);
                reset(server);
            } else {
                closeQuietly(client);
                closeQuietly(server);
            }
            synchronized (gate) {
                gate.notifyAll();
            }
        }

        /** Where a relay writes: each write waits out the latency and any stall first. */
        private final class Forwarding extends OutputStream {

            private final OutputStream out;

            Forwarding(OutputStream out) {
                this.out = out;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                delay(System.nanoTime());
                awaitForwarding();
                out.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            /** Holds what was read at {@code readAt} until the latency in force now has passed. */
            private void delay(long readAt) throws IOException {
                while (!ended) {
                    long left = readAt + latencyNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.sleep(Math.min(left, LATENCY_RECHECK_NANOS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("proxy stopped");
                    }
                }
                throw new SocketException("connection closed by the proxy");
            }

            /** Blocks while stalled; fails once the connection is closed. */
            private void awaitForwarding() throws IOException {
                synchronized (gate) {
                    while (mode == Mode.STALL && !ended && !closed) {
                        try {
                            gate.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("proxy stopped");
                        }
                    }
                }
                if (ended) {
                    throw new SocketException("connection closed by the proxy");
                }
            }
        }
    }
}
