package io.github.leaderelection.chaos;

import io.github.leaderelection.testsupport.TcpProxy;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A plain-HTTP/1.1 hop to the API server, so the chaos suite can change what a candidate reads.
 *
 * <p>Why a plain hop: the candidate's {@link TcpProxy} forwards TLS bytes end to end and cannot
 * see or change a body; terminating TLS there would need a CA the candidates trust, for little
 * gain. The candidate's kubeconfig names {@code http://} this hop instead (its bearer token
 * passes through unchanged); the hop opens its own TLS connection to the API server for each
 * client connection, trusting the server's CA. It is a {@link TcpProxy} too (its accept loop,
 * its connections, its byte loop for the requests, which are forwarded byte for byte), with a
 * TLS upstream and a relay of its own for the responses: they are parsed (Content-Length,
 * chunked, or until close) so that, while {@link #injecting} is on, every Lease in a body (a
 * GET or PUT answer, each watch event) gains {@code spec.futureField}, a field the Java client
 * models do not define (rule 25). The API server itself drops unknown fields on write, so they
 * can only reach a reader this way. The faults are the candidate's proxy's; this one has none.
 *
 * <p>Over plain HTTP the client speaks HTTP/1.1 (no ALPN, no h2), one request at a time per
 * connection, which is what makes the response framing simple to follow.
 */
public final class PlainHttpHop implements AutoCloseable {

  /** What is added to each Lease spec: an object, the harder case for a strict model parser. */
  static final String FIELD = "\"futureField\":{\"addedBy\":\"chaos\",\"n\":1}";

  private static final byte[] SPEC = "\"spec\":{".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

  private final TcpProxy proxy;
  private volatile boolean injecting;
  private final AtomicLong injected = new AtomicLong();

  private PlainHttpHop(String host, int port, SSLContext tls) {
    this.proxy = TcpProxy.to(host, port)
        .name("chaos-hop")
        .upstream((target, timeoutMillis) -> connectTls(tls, target, timeoutMillis))
        .toClient(this::forwardResponses)
        .start();
  }

  /** A hop to {@code host:port} over TLS, trusting the CA certificate(s) in {@code caPem}. */
  public static PlainHttpHop start(String host, int port, String caPem) {
    try {
      return new PlainHttpHop(host, port, trusting(caPem));
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("could not start the plain-HTTP hop", e);
    }
  }

  /** The CA of a kubeconfig written by the harness ({@code certificate-authority-data}). */
  public static String caFromKubeconfig(String yaml) {
    Matcher m = Pattern.compile("certificate-authority-data:\\s*\"?([A-Za-z0-9+/=]+)\"?").matcher(yaml);
    if (!m.find()) {
      throw new IllegalStateException("no certificate-authority-data in the kubeconfig");
    }
    return new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.US_ASCII);
  }

  public int port() {
    return proxy.port();
  }

  /** Turns the injection of {@code spec.futureField} into Lease bodies on or off. */
  public void injecting(boolean on) {
    injecting = on;
  }

  /** How many Lease bodies (responses and watch events) got the field so far. */
  public long injected() {
    return injected.get();
  }

  @Override
  public void close() {
    proxy.close();
  }

  private static SSLContext trusting(String caPem) throws java.security.GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (Certificate c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A TLS connection to the API server, handshake done (a failure closes what it opened). */
  private static Socket connectTls(SSLContext tls, InetSocketAddress target, int timeoutMillis) throws IOException {
    Socket raw = TcpProxy.PLAIN.connect(target, timeoutMillis);
    try {
      SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, target.getHostString(), target.getPort(), true);
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The responses of one connection, each relayed (changed or not) as it comes. */
  private void forwardResponses(InputStream upstream, OutputStream client) throws IOException {
    InputStream in = new BufferedInputStream(upstream, 16 * 1024);
    while (relayOneResponse(in, client)) {
      // next response on this connection
    }
  }

  /** Relays one response; false at the end of the connection. */
  private boolean relayOneResponse(InputStream in, OutputStream out) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return false;
    }
    String lower = head.toLowerCase(Locale.ROOT);
    int status = Integer.parseInt(head.substring(9, 12));
    boolean json = lower.contains("content-type: application/json");
    boolean encoded = lower.contains("\ncontent-encoding:"); // compressed: pass through untouched
    boolean mayChange = json && !encoded;
    if (status / 100 == 1 || status == 204 || status == 304) {
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return status != 101;
    }
    if (lower.contains("\ntransfer-encoding: chunked")) {
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      relayChunked(in, out, mayChange);
      return true;
    }
    Matcher cl = CONTENT_LENGTH.matcher(head);
    if (cl.find()) {
      byte[] body = in.readNBytes(Integer.parseInt(cl.group(1)));
      byte[] changed = mayChange ? inject(body) : body;
      String newHead = changed == body ? head
          : head.substring(0, cl.start(1)) + changed.length + head.substring(cl.end(1));
      out.write(newHead.getBytes(StandardCharsets.ISO_8859_1));
      out.write(changed);
      out.flush();
      return true;
    }
    // No framing: the body runs until the server closes.
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    in.transferTo(out);
    out.flush();
    return false;
  }

  /**
   * Relays a chunked body. A watch stream is one JSON event per line: each complete line is
   * forwarded (changed) as its own chunk as soon as it is complete, so events are not delayed.
   */
  private void relayChunked(InputStream in, OutputStream out, boolean mayChange) throws IOException {
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      if (sizeLine == null) {
        throw new IOException("connection ended inside a chunked body");
      }
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        if (pending.size() > 0) {
          writeChunk(out, mayChange ? inject(pending.toByteArray()) : pending.toByteArray());
        }
        out.write("0\r\n".getBytes(StandardCharsets.US_ASCII));
        String trailer;
        while ((trailer = readLine(in)) != null && !trailer.isEmpty()) {
          out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      pending.write(in.readNBytes(size));
      readLine(in); // the CRLF after the chunk's data
      byte[] data = pending.toByteArray();
      int lastNewline = lastIndexOf(data, (byte) '\n');
      if (lastNewline >= 0) {
        byte[] complete = java.util.Arrays.copyOfRange(data, 0, lastNewline + 1);
        pending.reset();
        pending.write(data, lastNewline + 1, data.length - lastNewline - 1);
        writeChunk(out, mayChange ? injectLines(complete) : complete);
        out.flush();
      }
    }
  }

  private byte[] injectLines(byte[] lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] == '\n') {
        out.writeBytes(inject(java.util.Arrays.copyOfRange(lines, from, i + 1)));
        from = i + 1;
      }
    }
    return out.toByteArray();
  }

  /** Adds {@link #FIELD} to every Lease spec of one JSON document (when injecting). */
  byte[] inject(byte[] json) {
    if (!injecting) {
      return json;
    }
    String s = new String(json, StandardCharsets.UTF_8);
    if (!s.contains("\"kind\":\"Lease\"") && !s.contains("\"kind\":\"LeaseList\"")) {
      return json;
    }
    String changed = addField(s);
    if (changed.equals(s)) {
      return json;
    }
    injected.incrementAndGet();
    return changed.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code "spec":{...}} becomes {@code "spec":{FIELD,...}} ({@code {FIELD}} for an empty spec). */
  static String addField(String json) {
    String spec = new String(SPEC, StandardCharsets.US_ASCII);
    StringBuilder sb = new StringBuilder(json.length() + 64);
    int from = 0;
    int at;
    while ((at = json.indexOf(spec, from)) >= 0) {
      int after = at + spec.length();
      sb.append(json, from, after).append(FIELD);
      if (after < json.length() && json.charAt(after) != '}') {
        sb.append(',');
      }
      from = after;
    }
    sb.append(json, from, json.length());
    return sb.toString();
  }

  private static void writeChunk(OutputStream out, byte[] data) throws IOException {
    if (data.length == 0) {
      return;
    }
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** The status line and headers including the blank line; null at a clean end of stream. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = readLine(in)) != null) {
      if (line.isEmpty()) {
        if (lines.isEmpty()) {
          continue; // stray CRLF between responses
        }
        head.append("\r\n");
        return head.toString();
      }
      lines.add(line);
      head.append(line).append("\r\n");
    }
    if (lines.isEmpty()) {
      return null;
    }
    throw new IOException("connection ended inside a response head");
  }

  /** One line without its CRLF; null at end of stream before any byte. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static int lastIndexOf(byte[] data, byte b) {
    for (int i = data.length - 1; i >= 0; i--) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
