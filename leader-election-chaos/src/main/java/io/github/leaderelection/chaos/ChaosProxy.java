package io.github.leaderelection.chaos;

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
 * A loopback TCP forwarder in front of the API server, one per candidate process, so faults
 * hit one process's connections only. Like the harness's {@code TcpProxy} (reset, cut off,
 * stall), plus latency: every chunk read from either side is held for the configured time
 * before it is written on, in order. TLS stays end to end.
 */
public final class ChaosProxy implements AutoCloseable {

  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int BUFFER_SIZE = 16 * 1024;

  private enum Mode { FORWARD, STALL, CUT_OFF }

  private final InetSocketAddress target;
  private final ServerSocket serverSocket;
  private final ExecutorService threads;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private volatile Mode mode = Mode.FORWARD;
  private volatile long latencyNanos;
  private volatile boolean closed;

  private ChaosProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    String prefix = "chaos-proxy-" + serverSocket.getLocalPort() + "-";
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    threads.execute(this::acceptLoop);
  }

  /** Starts a proxy on a free loopback port forwarding to {@code host:port}. */
  public static ChaosProxy start(String host, int port) {
    try {
      return new ChaosProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a proxy port", e);
    }
  }

  /** The loopback port clients connect to. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** Resets (RST) every open connection now; new ones are forwarded. */
  public void reset() {
    for (Connection c : connections) {
      c.close(true);
    }
  }

  /** Resets every open connection and every new one until {@link #resume()}. */
  public void cutOff() {
    mode = Mode.CUT_OFF;
    reset();
  }

  /** Stops forwarding without closing anything until {@link #resume()}: a black hole. */
  public void stall() {
    mode = Mode.STALL;
  }

  /** Holds every chunk for {@code latency} before forwarding it (zero: no delay). */
  public void latency(Duration latency) {
    latencyNanos = latency.toNanos();
  }

  /** Back to plain forwarding: no stall, no cut-off, no latency. Held bytes go out first. */
  public void resume() {
    latencyNanos = 0;
    synchronized (gate) {
      mode = Mode.FORWARD;
      gate.notifyAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException ignored) {
      // nothing to report
    }
    reset();
    synchronized (gate) {
      gate.notifyAll();
    }
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = serverSocket.accept();
      } catch (IOException e) {
        return;
      }
      if (mode == Mode.CUT_OFF) {
        hardClose(client);
      } else {
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
      hardClose(client);
      hardClose(upstream);
      return;
    }
    Connection c = new Connection(client, upstream);
    connections.add(c);
    if (mode == Mode.CUT_OFF || closed) {
      c.close(true);
      return;
    }
    threads.execute(() -> c.pump(client, upstream));
    threads.execute(() -> c.pump(upstream, client));
  }

  private static void hardClose(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

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
          long readAt = System.nanoTime();
          delay(readAt);
          awaitForwarding();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException endOfConnection) {
        // reset, closed, or cut by us
      } finally {
        close(false);
      }
    }

    /** Holds the chunk read at {@code readAt} until the latency set now has passed. */
    private void delay(long readAt) throws IOException {
      while (!ended) {
        long left = readAt + latencyNanos - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("proxy stopped");
        }
      }
      throw new SocketException("connection closed by the proxy");
    }

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

    void close(boolean hard) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      connections.remove(this);
      if (hard) {
        hardClose(client);
        hardClose(upstream);
      } else {
        try {
          client.close();
        } catch (IOException ignored) {
          // nothing to do
        }
        try {
          upstream.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
      synchronized (gate) {
        gate.notifyAll();
      }
    }
  }
}
