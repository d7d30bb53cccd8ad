package io.github.leaderelection.chaos;

import io.github.leaderelection.testsupport.ApiServerHandle;
import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.nio.file.Path;

/** The harness's {@link ApiServerHandle} as the suite's {@link ChaosServer}. */
final class HandleChaosServer implements ChaosServer {

  private final ApiServerHandle handle;

  HandleChaosServer(ApiServerHandle handle) {
    this.handle = handle;
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
