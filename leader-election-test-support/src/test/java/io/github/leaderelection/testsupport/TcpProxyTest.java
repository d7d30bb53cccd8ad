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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a local echo server: forwarding, cutting, cutting off and stalling. */
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
            proxy.stall();
            client.getOutputStream().write("held".getBytes());
            client.setSoTimeout(300);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            proxy.resume();
            client.setSoTimeout(5000);
            byte[] buffer = new byte[4];
            new DataInputStream(client.getInputStream()).readFully(buffer);
            assertThat(new String(buffer)).isEqualTo("held");
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
