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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 *       where only the client's own timeouts help. Bytes already read are held, not lost.</li>
 * </ul>
 *
 * <p>A client with HTTP/2 multiplexes all its requests (watches too) over one connection, so
 * one cut hits all of them.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 16 * 1024;

    private enum Mode { FORWARD, STALL, CUT_OFF }

    private final InetSocketAddress target;
    private final ServerSocket serverSocket;
    private final ExecutorService threads;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String prefix = "tcp-proxy-" + serverSocket.getLocalPort() + "-";
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
        try {
            return new TcpProxy(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a proxy port", e);
        }
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

    /** Forwards again after {@link #stall()} or {@link #cutOff()}; held bytes go out first. */
    public void resume() {
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
        return "TcpProxy[" + host() + ":" + port() + " -> " + target + ", " + mode + "]";
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
        Socket upstream = new Socket();
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            reset(client);
            reset(upstream);
            return;
        }
        Connection connection = new Connection(client, upstream);
        connections.add(connection);
        if (mode == Mode.CUT_OFF || closed) {
            // cutOff() ran while we were connecting and did not see this one.
            connection.close(true);
            return;
        }
        threads.execute(() -> connection.pump(client, upstream));
        threads.execute(() -> connection.pump(upstream, client));
    }

    /** Blocks while stalled; fails once the connection is closed. */
    private void awaitForwarding(Connection connection) throws IOException {
        synchronized (gate) {
            while (mode == Mode.STALL && !connection.ended && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("proxy stopped");
                }
            }
        }
        if (connection.ended) {
            throw new SocketException("connection closed by the proxy");
        }
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

    /** One client connection and its upstream twin. */
    private final class Connection {

        private final Socket client;
        private final Socket upstream;
        private volatile boolean ended;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitForwarding(this);
                    out.write(buffer, 0, n);
                    out.flush();
                }
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
                reset(upstream);
            } else {
                closeQuietly(client);
                closeQuietly(upstream);
            }
            synchronized (gate) {
                gate.notifyAll();
            }
        }
    }
}
