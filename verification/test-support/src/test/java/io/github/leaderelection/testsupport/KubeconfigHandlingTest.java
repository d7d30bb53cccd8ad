package io.github.leaderelection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubeconfig a K3s container hands over (fixture in {@code k3s-kubeconfig/}, same shape as
 * {@code /etc/rancher/k3s/k3s.yaml}: embedded EC CA, admin client certificate) read into a
 * handle, against a fake HTTPS API server that trusts only that CA's client certificates. No
 * container: this is the part of the K3s source that runs without Docker.
 */
class KubeconfigHandlingTest {

    private static final String FIXTURE = "/k3s-kubeconfig/";
    private static final String VERSION_JSON = "{\"major\":\"1\",\"minor\":\"35\",\"gitVersion\":\"v1.35.4+k3s1\","
            + "\"gitCommit\":\"0\",\"gitTreeState\":\"clean\",\"buildDate\":\"2026-01-01T00:00:00Z\","
            + "\"goVersion\":\"go1.26\",\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}";

    @TempDir
    Path dir;

    private HttpsServer server;
    private final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startFakeApiServer() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(serverKeys().getKeyManagers(), trustingFixtureCa().getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                // Only a client certificate of the CA gets in, as the admin of a K3s cluster does.
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/version", exchange -> {
            clientSubjects.add(((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName());
            byte[] body = VERSION_JSON.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopFakeApiServer() {
        server.stop(0);
    }

    @Test
    void theK3sKubeconfigGivesTheServerUrlAndTheCaAndTheClientCertificateWork() throws Exception {
        KubeconfigApiServerHandle handle = new KubeconfigApiServerHandle(kubeconfigForFakeServer());

        assertThat(handle.url().toString()).isEqualTo("https://127.0.0.1:" + server.getAddress().getPort());
        assertThat(handle.adminClient().getBasePath()).isEqualTo(handle.url().toString());
        // TLS both ways: the fake server's certificate is trusted through the embedded CA only, and
        // it accepted the EC client certificate of the kubeconfig.
        assertThat(handle.serverVersion()).isEqualTo("v1.35.4+k3s1");
        assertThat(clientSubjects).singleElement().asString().contains("CN=system:admin").contains("O=system:masters");
        assertThat(ApiServerVersions.sameVersion("v1.35.4", handle.serverVersion())).isTrue();
    }

    @Test
    void theEmbeddedCaIsWhatTokenClientsTrust() throws Exception {
        Path kubeconfig = kubeconfigForFakeServer();

        String pem = KubeconfigApiServerHandle.certificateAuthorityPem(kubeconfig);

        assertThat(pem).isEqualTo(resource("ca.crt"));
    }

    @Test
    void aClusterOfOnesOwnHasNoRestrictedUserNorProcessControl() throws Exception {
        KubeconfigApiServerHandle handle = new KubeconfigApiServerHandle(kubeconfigForFakeServer());

        assertThatThrownBy(handle::restrictedClient)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(ApiServerSources.KUBECONFIG_ENV);
        assertThatThrownBy(handle::stopApiServer).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(handle::metrics).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theAdminKubeconfigIsHandedOnAsItIs() throws Exception {
        Path kubeconfig = kubeconfigForFakeServer();
        KubeconfigApiServerHandle handle = new KubeconfigApiServerHandle(kubeconfig);

        Path copy = handle.writeAdminKubeconfig(dir.resolve("out/kubeconfig"));

        assertThat(Files.readString(copy)).isEqualTo(Files.readString(kubeconfig));
    }

    @Test
    void classOptionsBecomeK3sKubeApiServerArguments() {
        String[] base = {"server", "--disable=traefik", "--tls-san=localhost"};
        ServerOptions options = new ServerOptions(List.of("CoordinatedLeaderElection=true", "Other=false"),
                List.of("coordination.k8s.io/v1beta1=true"));

        assertThat(K3sApiServer.command(base, options)).containsExactly("server", "--disable=traefik",
                "--tls-san=localhost",
                "--kube-apiserver-arg=feature-gates=CoordinatedLeaderElection=true,Other=false",
                "--kube-apiserver-arg=runtime-config=coordination.k8s.io/v1beta1=true");
        assertThat(K3sApiServer.command(base, ServerOptions.DEFAULT)).containsExactly(base);
    }

    /** The fixture with the port of the fake server, as K3sContainer rewrites it to the mapped port. */
    private Path kubeconfigForFakeServer() throws Exception {
        String yaml = resource("kubeconfig.yaml").replace("https://127.0.0.1:6443",
                "https://127.0.0.1:" + server.getAddress().getPort());
        return Files.writeString(dir.resolve("kubeconfig"), yaml);
    }

    private static KeyManagerFactory serverKeys() throws Exception {
        String pem = resource("server.key").replaceAll("-----[A-Z ]+-----|\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, new char[0], new Certificate[] {certificate("server.crt")});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf;
    }

    private static TrustManagerFactory trustingFixtureCa() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", certificate("ca.crt"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    private static Certificate certificate(String name) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(resource(name).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String resource(String name) throws Exception {
        try (var in = KubeconfigHandlingTest.class.getResourceAsStream(FIXTURE + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
