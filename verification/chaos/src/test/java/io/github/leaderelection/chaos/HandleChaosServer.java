package io.github.leaderelection.chaos;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** The harness's {@link ApiServerHandle} as the suite's {@link ChaosServer}. */
final class HandleChaosServer implements ChaosServer {

  /** The harness's default lease verbs (LeaseRbac.DEFAULT_VERBS). */
  static final List<String> DEFAULT_VERBS = List.of("get", "list", "watch", "create", "update");

  private final ApiServerHandle handle;
  private final List<String> verbs;

  HandleChaosServer(ApiServerHandle handle) {
    this(handle, DEFAULT_VERBS);
  }

  /** {@code verbs}: what the restricted user was granted for this run (restored after a withhold). */
  HandleChaosServer(ApiServerHandle handle, List<String> verbs) {
    this.handle = handle;
    this.verbs = List.copyOf(verbs);
  }

  @Override
  public void withholdLeaseVerb(String verb) {
    handle.grantLeaseVerbs(verbs.stream().filter(v -> !v.equals(verb)).toArray(String[]::new));
  }

  @Override
  public void restoreLeaseVerbs() {
    handle.grantLeaseVerbs(verbs.toArray(String[]::new));
  }

  @Override
  public String namespace() {
    return handle.namespace();
  }

  @Override
  public URI url() {
    return handle.url();
  }

  @Override
  public ApiClient adminClient() {
    return handle.adminClient();
  }

  @Override
  public Path writeCandidateKubeconfig(Path file) {
    return handle.writeRestrictedKubeconfig(file);
  }

  @Override
  public String uniqueName(String prefix) {
    return handle.uniqueName(prefix);
  }

  @Override
  public void stopApiServer() {
    handle.stopApiServer();
  }

  @Override
  public void startApiServer() {
    handle.startApiServer();
  }

  @Override
  public void stopEtcd() {
    handle.stopEtcd();
  }

  @Override
  public void startEtcd() {
    handle.startEtcd();
  }
}
