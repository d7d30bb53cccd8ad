package io.github.leaderelection.chaos;

import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.nio.file.Path;

/** What the suite needs from the API server harness (adapted from its ApiServerHandle). */
public interface ChaosServer {

  /** Namespace of the Lease. */
  String namespace();

  /** The API server's URL (the proxies forward to its host and port). */
  URI url();

  /** A client with admin rights, for the hostile lease edits. */
  ApiClient adminClient();

  /** Writes a kubeconfig for the candidates (restricted to leases), naming {@link #url()}. */
  Path writeCandidateKubeconfig(Path file);

  /** A name unused by other tests of the run. */
  String uniqueName(String prefix);

  /**
   * Takes {@code verb} out of the candidates' Role on Leases and waits until the authorizer
   * applies it (running watches are not cut by RBAC: the caller resets connections).
   */
  void withholdLeaseVerb(String verb);

  /** Gives the candidates' Role its verbs of the run's start back, and waits until in effect. */
  void restoreLeaseVerbs();

  void stopApiServer();

  void startApiServer();

  void stopEtcd();

  void startEtcd();
}
