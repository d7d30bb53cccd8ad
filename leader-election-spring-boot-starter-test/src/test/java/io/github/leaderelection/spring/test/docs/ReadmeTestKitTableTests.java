package io.github.leaderelection.spring.test.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table of the kit's properties ("Testing leader-only code") must list exactly the
 * {@code leader.election.test.*} properties of the kit's generated configuration metadata, with
 * the same defaults.
 */
class ReadmeTestKitTableTests {

  private static final Pattern ROW = Pattern.compile("^\\| `(leader\\.election\\.test\\.[a-z.-]+)` \\| ([^|]+) \\|.*$");

  @Test
  void tableListsEveryPropertyOfTheKitsMetadataWithItsDefault() throws Exception {
    Map<String, String> readme = readmeTable();
    Map<String, String> metadata = metadataDefaults();
    assertThat(metadata).as("the kit's metadata").isNotEmpty();
    assertThat(readme.keySet()).as("properties in the README table").containsExactlyInAnyOrderElementsOf(metadata.keySet());
    metadata.forEach((name, defaultValue) -> {
      String cell = readme.get(name);
      if (defaultValue != null) {
        assertThat(cell).as("default of " + name + " in the README").isEqualTo("`" + defaultValue + "`");
      } else {
        assertThat(cell).as("default of " + name + " in the README (derived: say from what)").isNotBlank();
      }
    });
  }

  private static Map<String, String> readmeTable() throws Exception {
    String text = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Testing leader-only code");
    assertThat(start).as("README has a '## Testing leader-only code' section").isPositive();
    int end = text.indexOf("\n## ", start + 1);
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        rows.put(m.group(1), m.group(2).strip());
      }
    }
    return rows;
  }

  /** From the kit's metadata file, not the starter's or Boot's, which are on the classpath too. */
  private static Map<String, String> metadataDefaults() throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    for (URL url : Collections.list(ReadmeTestKitTableTests.class.getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (Reader r = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
        JsonObject root = JsonParser.parseReader(r).getAsJsonObject();
        for (JsonElement e : root.getAsJsonArray("properties")) {
          JsonObject p = e.getAsJsonObject();
          String name = p.get("name").getAsString();
          if (name.startsWith("leader.election.test.")) {
            JsonElement d = p.get("defaultValue");
            defaults.put(name, d == null || d.isJsonNull() ? null : d.getAsString());
          }
        }
      }
    }
    return defaults;
  }
}
