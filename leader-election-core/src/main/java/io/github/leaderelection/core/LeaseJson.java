package io.github.leaderelection.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A Lease as the JSON the server sent, read and written field by field rather than through the
 * client's generated models: those reject any field they do not define ("The field `x` in the
 * JSON string is not defined in the `V1LeaseSpec` properties"), so a newer API server or a
 * field added by someone else would stop every candidate (rule 25). Working on the JSON object
 * also keeps every field we do not own exactly as it was, unknown ones included (rule 17).
 */
final class LeaseJson {

  /** MicroTime: RFC 3339 in UTC with exactly six fractional digits (rule 18). */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private LeaseJson() {}

  /** The owned fields and resourceVersion of a Lease object; missing parts read as client-go reads them (rule 16). */
  static VersionedLease toVersioned(JsonObject lease) {
    JsonObject spec = object(lease, "spec");
    LeaseRecord record = spec == null ? LeaseRecord.EMPTY : new LeaseRecord(
        string(spec, "holderIdentity"),
        integer(spec, "leaseDurationSeconds"),
        time(spec, "acquireTime"),
        time(spec, "renewTime"),
        integer(spec, "leaseTransitions"));
    JsonObject metadata = object(lease, "metadata");
    String rv = metadata == null ? null : string(metadata, "resourceVersion");
    return new VersionedLease(record, rv == null ? "" : rv, lease);
  }

  /** The object's metadata.name, "" when missing. */
  static String name(JsonObject lease) {
    JsonObject metadata = lease == null ? null : object(lease, "metadata");
    String name = metadata == null ? null : string(metadata, "name");
    return name == null ? "" : name;
  }

  /** A new Lease object for a create. */
  static JsonObject newLease(String namespace, String name, LeaseRecord record) {
    JsonObject lease = new JsonObject();
    lease.addProperty("apiVersion", "coordination.k8s.io/v1");
    lease.addProperty("kind", "Lease");
    JsonObject metadata = new JsonObject();
    metadata.addProperty("name", name);
    metadata.addProperty("namespace", namespace);
    lease.add("metadata", metadata);
    lease.add("spec", writeOwned(new JsonObject(), record));
    return lease;
  }

  /**
   * A copy of {@code read} with the owned fields replaced and the resourceVersion it was read
   * at, so the replace is conditional (rule 2) and changes nothing else (rule 17).
   */
  static JsonObject forUpdate(JsonObject read, String resourceVersion, String namespace, String name,
      LeaseRecord record) {
    JsonObject lease = read.deepCopy();
    JsonObject metadata = object(lease, "metadata");
    if (metadata == null) {
      metadata = new JsonObject();
      metadata.addProperty("name", name);
      metadata.addProperty("namespace", namespace);
      lease.add("metadata", metadata);
    }
    metadata.addProperty("resourceVersion", resourceVersion);
    JsonObject spec = object(lease, "spec");
    lease.add("spec", writeOwned(spec == null ? new JsonObject() : spec, record));
    return lease;
  }

  /** Formats an instant as a MicroTime. */
  static String microTime(Instant instant) {
    return MICRO_TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  private static JsonObject writeOwned(JsonObject spec, LeaseRecord r) {
    put(spec, "holderIdentity", r.holderIdentity() == null ? null : new JsonPrimitive(r.holderIdentity()));
    put(spec, "leaseDurationSeconds", r.leaseDurationSeconds() == null ? null : new JsonPrimitive(r.leaseDurationSeconds()));
    put(spec, "acquireTime", r.acquireTime() == null ? null : new JsonPrimitive(microTime(r.acquireTime())));
    put(spec, "renewTime", r.renewTime() == null ? null : new JsonPrimitive(microTime(r.renewTime())));
    put(spec, "leaseTransitions", r.leaseTransitions() == null ? null : new JsonPrimitive(r.leaseTransitions()));
    return spec;
  }

  private static void put(JsonObject o, String field, JsonElement value) {
    if (value == null) {
      o.remove(field);
    } else {
      o.add(field, value);
    }
  }

  private static JsonObject object(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
  }

  private static String string(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e instanceof JsonNull || !e.isJsonPrimitive() ? null : e.getAsString();
  }

  /** An integer field; a value that is not one (a hand edit) reads as missing, never as an error. */
  private static Integer integer(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    try {
      return e.getAsInt();
    } catch (NumberFormatException notAnInt) {
      return null;
    }
  }

  /** A MicroTime field; informational only (rule 1), so an unreadable one reads as missing. */
  private static Instant time(JsonObject o, String field) {
    String s = string(o, field);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
