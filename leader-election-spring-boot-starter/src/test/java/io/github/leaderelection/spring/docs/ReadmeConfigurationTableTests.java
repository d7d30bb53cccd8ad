package io.github.leaderelection.spring.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the users' reference: it must list exactly the
 * properties of the generated configuration metadata, with the same defaults.
 */
class ReadmeConfigurationTableTests {

  private static final Pattern ROW = Pattern.compile("^\\| `(leader\\.[a-z.-]+)` \\| ([^|]+) \\|.*$");

  @Test
  void tableListsEveryPropertyOfTheMetadataWithItsDefault() throws Exception {
    Map<String, String> readme = readmeTable();
    Map<String, String> metadata = metadataDefaults();
    assertThat(readme.keySet()).as("properties in the README table")
        .containsExactlyInAnyOrderElementsOf(metadata.keySet());
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
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Configuration");
    assertThat(start).as("README has a '## Configuration' section").isPositive();
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

  private static Map<String, String> metadataDefaults() throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>();
    try (Reader r = new InputStreamReader(ReadmeConfigurationTableTests.class.getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json"), StandardCharsets.UTF_8)) {
      JsonObject root = JsonParser.parseReader(r).getAsJsonObject();
      for (JsonElement e : root.getAsJsonArray("properties")) {
        JsonObject p = e.getAsJsonObject();
        String name = p.get("name").getAsString();
        if (!name.startsWith("leader.")) {
          continue; // management.* entries belong to Spring Boot's own documentation
        }
        JsonElement d = p.get("defaultValue");
        defaults.put(name, d == null || d.isJsonNull() ? null : d.getAsString());
      }
    }
    return defaults;
  }
}
