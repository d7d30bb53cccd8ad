package io.github.leaderelection.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An elector implementation under test: the candidate module that runs it. */
enum Impl {
  OURS("ours", "candidate-ours", "io.github.leaderelection.candidate.OursCandidate",
      "client-java-(\\d[\\w.]*)\\.jar", "leader-election-core 0.1.0-SNAPSHOT on client-java "),
  CLIENT_JAVA("client-java", "candidate-client-java",
      "io.github.leaderelection.candidate.clientjava.ClientJavaCandidate",
      "client-java-extended-(\\d[\\w.]*)\\.jar", "io.kubernetes:client-java-extended "),
  FABRIC8("fabric8", "candidate-fabric8", "io.github.leaderelection.candidate.fabric8.Fabric8Candidate",
      "kubernetes-client-api-(\\d[\\w.]*)\\.jar", "io.fabric8:kubernetes-client ");

  final String id;
  final String module;
  final String mainClass;
  private final Pattern versionJar;
  private final String versionPrefix;

  Impl(String id, String module, String mainClass, String versionJar, String versionPrefix) {
    this.id = id;
    this.module = module;
    this.mainClass = mainClass;
    this.versionJar = Pattern.compile("(?:^|/)" + versionJar + "$");
    this.versionPrefix = versionPrefix;
  }

  /** "io.fabric8:kubernetes-client 8.0.0", read off the jar names of its classpath. */
  String describe(List<String> classpath) {
    for (String entry : classpath) {
      Matcher m = versionJar.matcher(entry);
      if (m.find()) {
        return versionPrefix + m.group(1);
      }
    }
    return versionPrefix + "(version unknown)";
  }

  static Impl byId(String id) {
    return Arrays.stream(values()).filter(i -> i.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown implementation " + id
            + " (known: ours, client-java, fabric8)"));
  }
}
