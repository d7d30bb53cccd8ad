package io.github.leaderelection.spring.election;

import java.util.List;

/**
 * The application has several {@code ApiClient} beans, none {@code @Primary} and none
 * qualified for the election: leader election cannot tell which API server to elect on.
 */
public class AmbiguousApiClientException extends IllegalStateException {

  private final List<String> beanNames;

  AmbiguousApiClientException(List<String> beanNames) {
    super("Leader election found " + beanNames.size() + " ApiClient beans and none is @Primary: "
        + String.join(", ", beanNames) + ". Mark the one to elect through @Primary, or qualify it for"
        + " leader election with @Qualifier(\"" + ElectionApiClient.QUALIFIER + "\") (or name the bean "
        + ElectionApiClient.QUALIFIER + ").");
    this.beanNames = List.copyOf(beanNames);
  }

  /** The names of the ApiClient beans found. */
  public List<String> getBeanNames() {
    return beanNames;
  }
}
