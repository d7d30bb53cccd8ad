package io.github.leaderelection.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's example test ("Testing leader-only code") is {@link CleanupJobLeadershipTests},
 * which this build compiles and runs: the README must show it as it is, from its first import to
 * its end, so that what users copy works.
 */
class ReadmeTestingExampleTests {

  @Test
  void theReadmeShowsTheExampleTestThatThisBuildRuns() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int section = readme.indexOf("\n## Testing leader-only code");
    assertThat(section).as("README has a '## Testing leader-only code' section").isPositive();
    int sectionEnd = readme.indexOf("\n## ", section + 1);
    String text = readme.substring(section, sectionEnd < 0 ? readme.length() : sectionEnd);
    int start = text.indexOf("```java\n");
    assertThat(start).as("the section has a java block").isNotNegative();
    String block = text.substring(start + "```java\n".length(), text.indexOf("```", start + 7));

    String source = Files.readString(Path.of("src/test/java/io/github/leaderelection/sample/"
        + "CleanupJobLeadershipTests.java"), StandardCharsets.UTF_8);
    String fromImports = source.substring(source.indexOf("import "));
    assertThat(block).isEqualTo(fromImports);
  }
}
