package io.github.leaderelection.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the local etcd + kube-apiserver until stopped (SIGTERM or Ctrl-C), for the sample's
 * demo and for trying the library by hand:
 *
 * <pre>
 * java -cp ... io.github.leaderelection.testsupport.LocalApiServerMain \
 *     --bin "$(verification/apiserver/build.sh)" --kubeconfig /tmp/kubeconfig [--user restricted|admin]
 * </pre>
 *
 * The kubeconfig is written last (to a temporary name, then moved), so its appearance means
 * the server is ready. The restricted user may only use Leases in namespace {@code default}.
 */
public final class LocalApiServerMain {

    private LocalApiServerMain() {}

    public static void main(String[] args) throws Exception {
        Path bin = null;
        Path kubeconfig = null;
        String user = "restricted";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bin" -> bin = Path.of(args[i + 1]);
                case "--kubeconfig" -> kubeconfig = Path.of(args[i + 1]);
                case "--user" -> user = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bin == null || kubeconfig == null || !(user.equals("restricted") || user.equals("admin"))) {
            System.err.println("usage: LocalApiServerMain --bin DIR --kubeconfig FILE [--user restricted|admin]");
            System.exit(2);
        }
        LocalApiServer server = LocalApiServer.start(bin);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "local-apiserver-stop"));
        LocalApiServerHandle handle = new LocalApiServerHandle(server);
        Path tmp = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
        if (user.equals("admin")) {
            handle.writeAdminKubeconfig(tmp);
        } else {
            handle.writeRestrictedKubeconfig(tmp);
        }
        Files.move(tmp, kubeconfig, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("API server " + server.url() + " ready in " + server.startupTime().toMillis()
            + " ms; kubeconfig for the " + user + " user: " + kubeconfig);
        stopped.await();
    }
}
