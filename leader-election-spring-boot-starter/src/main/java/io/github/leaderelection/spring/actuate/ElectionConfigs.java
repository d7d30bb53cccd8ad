package io.github.leaderelection.spring.actuate;

import io.github.leaderelection.core.ElectionConfig;
import io.github.leaderelection.core.LeaderElector;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;

/** Finds the configuration the election runs with. */
final class ElectionConfigs {

  private ElectionConfigs() {}

  /**
   * The elector's own configuration when there is an elector bean (an application's elector
   * may have been built with another than the {@code ElectionConfig} bean), else that bean.
   */
  static Optional<ElectionConfig> of(ObjectProvider<LeaderElector> elector, ObjectProvider<ElectionConfig> config) {
    LeaderElector e = elector.getIfUnique();
    return e != null ? Optional.of(e.config()) : Optional.ofNullable(config.getIfUnique());
  }
}
