package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local echo server: forwarding, cutting, cutting off, stalling and latency. */
class TcpProxyTest {

    private ServerSocket echoServer;
    private final ExecutorService echoThreads = Executors.newCachedThreadPool();
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThreads.execute(() -> {
            while (!echoServer.isClosed()) {
                try {
                    Socket socket = echoServer.accept();
                    echoThreads.execute(() -> echo(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        proxy = TcpProxy.start("127.0.0.1", echoServer.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echoServer.close();
        echoThreads.shutdownNow();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void cutConnectionsResetsOpenOnesButAcceptsNewOnes() throws IOException {
        try (Socket client = connect()) {
            roundTrip(client, "x");
            proxy.cutConnections();
            assertThatThrownBy(() -> {
                roundTrip(client, "y");
                roundTrip(client, "z");
            }).isInstanceOf(IOException.class);
        }
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "back")).isEqualTo("back");
        }
    }

    @Test
    void cutOffRefusesUntilResumed() throws IOException {
        proxy.cutOff();
        try (Socket client = connect()) {
            assertThatThrownBy(() -> roundTrip(client, "x")).isInstanceOf(IOException.class);
        }
        proxy.resume();
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "x")).isEqualTo("x");
        }
    }

    @Test
    void stallHoldsBytesUntilResumed() throws IOException {
        try (Socket client = connect()) {
            roundTrip(client, "a");
            assertStallHoldsUntilResumed(proxy, client, "held", "held");
        }
    }

    @Test
    void latencyHoldsEachDirection() throws IOException {
        try (Socket client = connect()) {
            roundTrip(client, "warm");
            proxy.latency(Duration.ofMillis(300));

            long start = System.nanoTime();
            assertThat(roundTrip(client, "slow")).isEqualTo("slow");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            // Held on the way to the echo server and again on the way back.
            assertThat(tookMillis).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void latencyAppliesToNewConnectionsAndKeepsTheOrder() throws IOException {
        proxy.latency(Duration.ofMillis(300));
        try (Socket client = connect()) {
            long start = System.nanoTime();
            OutputStream out = client.getOutputStream();
            out.write("a".getBytes(StandardCharsets.US_ASCII));
            out.write("b".getBytes(StandardCharsets.US_ASCII));
            out.write("c".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[3];
            new DataInputStream(client.getInputStream()).readFully(buffer);

            assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo("abc");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void resumeEndsTheLatencyAndReleasesWhatItHolds() throws Exception {
        try (Socket client = connect()) {
            roundTrip(client, "warm");
            // Far beyond the socket timeout of 5 s: only resume() can get the bytes through in time.
            proxy.latency(Duration.ofMinutes(2));
            CompletableFuture<Void> resumed = CompletableFuture.runAsync(proxy::resume,
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

            assertThat(roundTrip(client, "held")).isEqualTo("held");
            resumed.get(5, TimeUnit.SECONDS);
            assertThat(roundTrip(client, "fast again")).isEqualTo("fast again");
        }
    }

    @Test
    void aNegativeLatencyIsRefused() {
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRelayOfItsOwnCarriesTheAnswersAndTheFaultsActOnIt() throws IOException {
        AtomicInteger upstreams = new AtomicInteger();
        try (TcpProxy shouting = TcpProxy.to("127.0.0.1", echoServer.getLocalPort())
                .name("shouting")
                .upstream((target, timeout) -> {
                    upstreams.incrementAndGet();
                    return TcpProxy.PLAIN.connect(target, timeout);
                })
                .toClient((from, to) -> {
                    byte[] buffer = new byte[64];
                    int n;
                    while ((n = from.read(buffer)) >= 0) {
                        to.write(new String(buffer, 0, n, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                                .getBytes(StandardCharsets.US_ASCII));
                        to.flush();
                    }
                })
                .start();
             Socket client = new Socket(shouting.host(), shouting.port())) {
            client.setSoTimeout(5000);
            assertThat(roundTrip(client, "hello")).isEqualTo("HELLO");
            assertThat(upstreams).hasValue(1);

            assertStallHoldsUntilResumed(shouting, client, "held", "HELD");
        }
    }

    @Test
    void aFailingUpstreamClosesTheClient() throws IOException {
        try (TcpProxy broken = TcpProxy.to("127.0.0.1", echoServer.getLocalPort())
                .upstream((target, timeout) -> {
                    throw new IOException("no route");
                })
                .start();
             Socket client = new Socket(broken.host(), broken.port())) {
            client.setSoTimeout(5000);
            assertThatThrownBy(() -> roundTrip(client, "x")).isInstanceOf(IOException.class);
            assertThat(broken.openConnections()).isZero();
        }
    }

    @Test
    void countsAcceptedConnections() throws IOException {
        try (Socket first = connect(); Socket second = connect()) {
            roundTrip(first, "1");
            roundTrip(second, "2");
        }
        assertThat(proxy.acceptedConnections()).isEqualTo(2);
    }

    /** {@code sent} gets no answer while {@code stalled} stalls; after resume() {@code answer} comes. */
    private static void assertStallHoldsUntilResumed(TcpProxy stalled, Socket client, String sent, String answer)
            throws IOException {
        stalled.stall();
        client.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
        client.setSoTimeout(300);
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

        stalled.resume();
        client.setSoTimeout(5000);
        byte[] buffer = new byte[answer.length()];
        new DataInputStream(client.getInputStream()).readFully(buffer);
        assertThat(new String(buffer, StandardCharsets.US_ASCII)).isEqualTo(answer);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(proxy.host(), proxy.port());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes());
        byte[] buffer = new byte[text.length()];
        new DataInputStream(socket.getInputStream()).readFully(buffer);
        return new String(buffer);
    }

    private static void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // Client went away.
        }
    }
}
