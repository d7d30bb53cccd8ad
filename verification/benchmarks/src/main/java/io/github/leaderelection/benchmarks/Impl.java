package io.github.leaderelection.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An elector implementation under test: the candidate program that runs it (verification/candidates/), and
 * how that program is started.
 */
enum Impl {
  OURS("ours", Kind.JVM, "candidate-ours", "target", "io.github.leaderelection.candidate.OursCandidate",
      "client-java-(\\d[\\w.]*)\\.jar", "leader-election-core 0.1.0-SNAPSHOT on client-java "),
  CLIENT_JAVA("client-java", Kind.JVM, "candidate-client-java", "target",
      "io.github.leaderelection.candidate.clientjava.ClientJavaCandidate",
      "client-java-extended-(\\d[\\w.]*)\\.jar", "io.kubernetes:client-java-extended "),
  FABRIC8("fabric8", Kind.JVM, "candidate-fabric8", "target", "io.github.leaderelection.candidate.fabric8.Fabric8Candidate",
      "kubernetes-client-api-(\\d[\\w.]*)\\.jar", "io.fabric8:kubernetes-client "),
  /** A native binary, built by its build.sh into a cache outside the work tree. */
  CLIENT_GO("client-go", Kind.EXECUTABLE, "candidate-client-go", null, null, null, "k8s.io/client-go "),
  /** A Node.js program whose dependencies its build.sh installs. */
  NODE("node", Kind.NODE, "candidate-node", null, null, null, "@codedependant/kubernetes-leader-election "),
  /** Spring Cloud Kubernetes, official-client flavour (a standalone Maven build, see its README). */
  SPRING_CLOUD("spring-cloud", Kind.JVM, "candidate-spring-cloud", "target",
      "io.github.leaderelection.candidate.springcloud.SpringCloudCandidate",
      "spring-cloud-kubernetes-client-leader-(\\d[\\w.-]*)\\.jar",
      "org.springframework.cloud:spring-cloud-kubernetes-client-leader "),
  /** Spring Cloud Kubernetes, fabric8 flavour: the same program built with -Pfabric8. */
  SPRING_CLOUD_FABRIC8("spring-cloud-fabric8", Kind.JVM, "candidate-spring-cloud", "target/fabric8",
      "io.github.leaderelection.candidate.springcloud.SpringCloudCandidate",
      "spring-cloud-kubernetes-fabric8-leader-(\\d[\\w.-]*)\\.jar",
      "org.springframework.cloud:spring-cloud-kubernetes-fabric8-leader ");

  /** How a candidate program is started. */
  enum Kind {
    /** java [options] -cp &lt;module jar + target/runtime.classpath&gt; &lt;main class&gt; */
    JVM,
    /** the file that {@code build.sh --path} prints */
    EXECUTABLE,
    /** node &lt;the file that {@code build.sh --path} prints&gt; */
    NODE
  }

  final String id;
  final Kind kind;
  /** The folder under verification/candidates/. */
  final String module;
  /** JVM programs: where the jar and runtime.classpath are, relative to the module folder. */
  final String target;
  final String mainClass;
  private final Pattern versionJar;
  private final String versionPrefix;

  Impl(String id, Kind kind, String module, String target, String mainClass, String versionJar, String versionPrefix) {
    this.id = id;
    this.kind = kind;
    this.module = module;
    this.target = target;
    this.mainClass = mainClass;
    this.versionJar = versionJar == null ? null : Pattern.compile("(?:^|/)" + versionJar + "$");
    this.versionPrefix = versionPrefix;
  }

  /** "io.fabric8:kubernetes-client 8.0.0", read off the jar names of a JVM program's classpath. */
  String describe(List<String> classpath) {
    for (String entry : classpath) {
      Matcher m = versionJar.matcher(entry);
      if (m.find()) {
        return versionPrefix + m.group(1);
      }
    }
    return versionPrefix + "(version unknown)";
  }

  /** The name plus a version found elsewhere (go.mod, package.json). */
  String describe(String version) {
    return versionPrefix + (version == null ? "(version unknown)" : version);
  }

  static Impl byId(String id) {
    return Arrays.stream(values()).filter(i -> i.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown implementation " + id
            + " (known: " + Arrays.stream(values()).map(i -> i.id).collect(Collectors.joining(", ")) + ")"));
  }
}
