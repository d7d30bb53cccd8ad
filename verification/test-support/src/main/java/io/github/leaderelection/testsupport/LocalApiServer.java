package io.github.leaderelection.testsupport;

import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd and kube-apiserver started from local binaries (see
 * {@code verification/apiserver/build.sh}), with nothing but the JDK and client-java.
 *
 * <p>Everything lives in a fresh temp directory: etcd's data, the generated CA, serving
 * certificate and service-account key, the token file, and one log file per process. Both
 * processes listen on free loopback ports only. Two identities exist (see
 * {@link #adminToken()} and {@link #restrictedToken()}); authorization is RBAC.
 *
 * <p>For fault tests each process can be stopped and started again separately; a restart
 * reuses the same ports, flags and data directory, so the cluster state survives it.
 *
 * <p>{@link #close()} stops both processes (SIGTERM, then SIGKILL after a bound) and deletes
 * the directory; a JVM shutdown hook kills them too if the JVM ends without closing. The
 * directory is kept when the start fails, for its logs.
 */
public final class LocalApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalApiServer.class);

    private static final Duration ETCD_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration APISERVER_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final String SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";

    private final Path workDir;
    private final TestPki pki;
    private final StaticTokens tokens;
    private final int etcdClientPort;
    private final URI url;
    private final ManagedProcess etcd;
    private final ManagedProcess apiServer;
    private final AdminHttp adminHttp;
    private final HttpClient etcdHttp = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Thread shutdownHook;
    private Duration startupTime = Duration.ZERO;
    private boolean closed;

    private final ServerOptions options;

    private LocalApiServer(Path binDir, Path workDir, ServerOptions options) {
        this.workDir = workDir;
        this.options = options;
        this.etcdClientPort = FreePorts.pick();
        int etcdPeerPort = FreePorts.pick();
        int securePort = FreePorts.pick();
        this.url = URI.create("https://127.0.0.1:" + securePort);
        this.etcd = new ManagedProcess("etcd",
                etcdCommand(binDir.resolve("etcd"), workDir.resolve("etcd-data"), etcdClientPort, etcdPeerPort),
                workDir.resolve("etcd.log"));
        this.shutdownHook = new Thread(this::killForShutdown, "local-apiserver-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // etcd boots while the keys are generated: on a fresh JVM that takes most of a second
        // (loading the crypto classes), about as long as etcd needs.
        etcd.start();
        try {
            this.pki = TestPki.generate(workDir.resolve("pki"));
            this.tokens = StaticTokens.generate(workDir.resolve("tokens.csv"));
        } catch (RuntimeException e) {
            etcd.stop();
            removeShutdownHook();
            throw e;
        }
        this.apiServer = new ManagedProcess("kube-apiserver",
                apiServerCommand(binDir.resolve("kube-apiserver"), securePort),
                workDir.resolve("kube-apiserver.log"));
        this.adminHttp = new AdminHttp(url, pki.caCertificatePem(), tokens.adminToken());
    }

    /**
     * Starts etcd and kube-apiserver from {@code binDir} (which holds both binaries) and
     * returns once the API server is ready.
     *
     * @throws ApiServerStartException if either does not come up; both are stopped then
     */
    public static LocalApiServer start(Path binDir) {
        return start(binDir, ServerOptions.DEFAULT);
    }

    /** {@link #start(Path)} with extra feature gates and runtime config for kube-apiserver. */
    static LocalApiServer start(Path binDir, ServerOptions options) {
        long started = System.nanoTime();
        Path workDir;
        try {
            workDir = Files.createTempDirectory("leader-election-apiserver-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temp directory", e);
        }
        LocalApiServer server = new LocalApiServer(binDir, workDir, options);
        try {
            server.startEtcd();
            server.startApiServer();
        } catch (RuntimeException e) {
            server.stopProcesses();
            server.removeShutdownHook();
            throw e;
        }
        server.startupTime = Duration.ofNanos(System.nanoTime() - started);
        log.info("etcd + kube-apiserver ready at {} in {} ms ({} options; work dir {})",
                server.url, server.startupTime.toMillis(), options.describe(), workDir);
        return server;
    }

    /** The API server's base URL, {@code https://127.0.0.1:<port>}. */
    public URI url() {
        return url;
    }

    /** PEM of the CA that signed the serving certificate (which covers 127.0.0.1 and localhost). */
    public String caCertificatePem() {
        return pki.caCertificatePem();
    }

    /** Bearer token of a user in {@code system:masters}. */
    public String adminToken() {
        return tokens.adminToken();
    }

    /**
     * Bearer token of {@link #restrictedUser()}, which has no permissions until a Role is
     * bound to it.
     */
    public String restrictedToken() {
        return tokens.restrictedToken();
    }

    /** {@code system:serviceaccount:default:elector}: the user the restricted token authenticates as. */
    public String restrictedUser() {
        return StaticTokens.RESTRICTED_USER;
    }

    /** Where the data, key material and the logs {@code etcd.log} and {@code kube-apiserver.log} are. */
    public Path workDirectory() {
        return workDir;
    }

    /** Wall time from generating the keys to a ready API server. */
    public Duration startupTime() {
        return startupTime;
    }

    /** A new client (own connection pool) for this server with {@code token}. */
    public ApiClient client(String token) {
        return ApiClients.tokenClient(url, pki.caCertificatePem(), token);
    }

    /** A new client with {@code token} whose connections go to {@code baseUrl} (e.g. a {@link TcpProxy}). */
    public ApiClient client(String token, URI baseUrl) {
        return ApiClients.tokenClient(baseUrl, pki.caCertificatePem(), token);
    }

    /**
     * Writes a standalone kubeconfig (embedded CA, token, namespace {@code default}) for a
     * process the test starts.
     *
     * @return {@code file}
     */
    public Path writeKubeconfig(Path file, String token) {
        return Kubeconfigs.write(file, url, pki.caCertificatePem(), token, StaticTokens.RESTRICTED_NAMESPACE);
    }

    /**
     * {@code apiserver_request_total} for Lease objects, summed per verb as the server spells
     * it ({@code GET}, {@code LIST}, {@code WATCH}, {@code POST}, {@code PUT}, {@code PATCH},
     * {@code DELETE}). A request is counted when it completes (a watch: when it ends), just
     * after its response is written, so poll rather than read once. The API server's own
     * lease writes are switched off, so only the clients' requests count.
     */
    public Map<String, Long> metrics() {
        return LeaseRequestMetrics.countsByVerb(adminHttp.getOk("/metrics"));
    }

    /** Starts etcd (again) and waits until it is healthy, and until the API server is ready if it runs. */
    public synchronized void startEtcd() {
        long started = System.nanoTime();
        etcd.start();
        awaitUp(etcd, ETCD_START_TIMEOUT, this::etcdHealthy);
        long healthy = System.nanoTime();
        if (apiServer.isRunning()) {
            awaitUp(apiServer, APISERVER_START_TIMEOUT, this::apiServerReady);
            log.info("etcd healthy after {} ms, API server ready {} ms later",
                    millisSince(started) - millisSince(healthy), millisSince(healthy));
        } else {
            log.info("etcd healthy after {} ms", millisSince(started));
        }
    }

    /**
     * Kills etcd (SIGKILL), as in a crash; the API server keeps running without it. Not a
     * graceful stop: with the API server's watches open, that takes about 7 s. Nothing is lost:
     * the written data is in the page cache, and etcd replays its log on start.
     */
    public synchronized void stopEtcd() {
        long started = System.nanoTime();
        etcd.crash();
        log.info("etcd stopped in {} ms", millisSince(started));
    }

    /** Starts kube-apiserver (again) with the same flags and port, and waits until it is ready. */
    public synchronized void startApiServer() {
        long started = System.nanoTime();
        apiServer.start();
        awaitUp(apiServer, APISERVER_START_TIMEOUT, this::apiServerReady);
        log.info("kube-apiserver ready in {} ms", millisSince(started));
    }

    /** Stops kube-apiserver (SIGTERM, bounded wait, SIGKILL); open connections are closed. */
    public synchronized void stopApiServer() {
        long started = System.nanoTime();
        apiServer.stop();
        log.info("kube-apiserver stopped in {} ms", millisSince(started));
    }

    /** Whether etcd runs (false after {@link #stopEtcd()}). */
    public boolean isEtcdRunning() {
        return etcd.isRunning();
    }

    /** Whether kube-apiserver runs (false after {@link #stopApiServer()}). */
    public boolean isApiServerRunning() {
        return apiServer.isRunning();
    }

    /** Stops both processes and deletes the work directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
        removeShutdownHook();
        deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "LocalApiServer[" + url + ", " + workDir + "]";
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }

    private void stopProcesses() {
        // API server first: its graceful shutdown waits on etcd, and hangs when etcd is gone,
        // so then there is nothing to be graceful about.
        if (!etcd.isRunning()) {
            apiServer.crash();
        }
        apiServer.stop();
        etcd.stop();
    }

    private void killForShutdown() {
        // No time for graceful stops when the JVM goes down; locks may be held by a stuck test.
        if (apiServer != null) { // null if the JVM ends while the constructor runs
            apiServer.killNow();
        }
        etcd.killNow();
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs (or ran) anyway.
        }
    }

    private boolean etcdHealthy() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdClientPort + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            HttpResponse<String> response = etcdHttp.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** /readyz covers etcd and the post-start hooks; the RBAC bootstrap also creates the default namespace. */
    private boolean apiServerReady() {
        try {
            return adminHttp.get("/readyz").statusCode() == 200
                    && adminHttp.get("/api/v1/namespaces/default").statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitUp(ManagedProcess process, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isRunning()) {
                throw startFailure(process.name() + " exited during start (" + process.state() + ")", null);
            }
            if (System.nanoTime() > deadline) {
                throw startFailure(process.name() + " not ready within " + timeout.toSeconds() + " s", null);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw startFailure("interrupted while waiting for " + process.name(), e);
            }
        }
    }

    private ApiServerStartException startFailure(String what, Throwable cause) {
        return new ApiServerStartException(what + "; logs in " + workDir
                + "\n--- tail of " + etcd.logFile() + " ---\n" + etcd.logTail()
                + "\n--- tail of " + apiServer.logFile() + " ---\n" + apiServer.logTail(), cause);
    }

    private static List<String> etcdCommand(Path binary, Path dataDir, int clientPort, int peerPort) {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        return List.of(binary.toString(),
                "--name=test",
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=test=" + peer,
                // Durability is worthless for a throw-away test cluster; fsync is what makes etcd slow.
                "--unsafe-no-fsync=true",
                "--log-level=warn");
    }

    private List<String> apiServerCommand(Path binary, int securePort) {
        // The identity lease is renewed every 10 s through the API: it would show up in
        // apiserver_request_total{resource="leases"} and spoil the request counts. The
        // interoperability proxy depends on it. A test class's own gates come after ours.
        List<String> gates = new ArrayList<>(List.of("APIServerIdentity=false", "UnknownVersionInteroperabilityProxy=false"));
        gates.addAll(options.featureGates());
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdClientPort,
                "--secure-port=" + securePort,
                "--bind-address=127.0.0.1",
                // Without it the apiserver looks for a default route and fails on hosts without one.
                "--advertise-address=127.0.0.1",
                "--tls-cert-file=" + pki.servingCertificateFile(),
                "--tls-private-key-file=" + pki.servingKeyFile(),
                // Unused given the two files above, but keeps it away from /var/run/kubernetes.
                "--cert-dir=" + workDir.resolve("apiserver-certs"),
                "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.serviceAccountKeyFile(),
                "--service-account-signing-key-file=" + pki.serviceAccountKeyFile(),
                "--token-auth-file=" + tokens.file(),
                "--authorization-mode=RBAC",
                // The plugin expects ServiceAccount objects that only a controller-manager would create.
                "--disable-admission-plugins=ServiceAccount",
                "--feature-gates=" + String.join(",", gates),
                // The endpoint reconciler rejects 127.0.0.1 for the kubernetes Endpoints every few
                // seconds (loopback is invalid there): noise in the log, no use here.
                "--endpoint-reconciler-type=none",
                "--profiling=false"));
        if (!options.runtimeConfig().isEmpty()) {
            command.add("--runtime-config=" + String.join(",", options.runtimeConfig()));
        }
        return command;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
