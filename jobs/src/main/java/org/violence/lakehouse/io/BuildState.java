package org.violence.lakehouse.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a table was built from: for each part of the table (a year, or {@link #WHOLE} for tables
 * built in one piece) the fingerprint of that part's inputs. It is stored in the Delta commit that
 * wrote the data, so the data and the record of its inputs can never disagree, even after a
 * crash: a part whose inputs have not changed is never rebuilt, and a part written by a killed
 * run was either committed with its fingerprint or not at all.
 */
public record BuildState(SortedMap<String, String> parts) {
  public static final String WHOLE = "whole";
  private static final String MARKER = "lakehouse_build";
  private static final ObjectMapper JSON = new ObjectMapper();

  public BuildState {
    parts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parts));
  }

  public static BuildState whole(String fingerprint) {
    return new BuildState(new TreeMap<>(Map.of(WHOLE, fingerprint)));
  }

  public static BuildState empty() {
    return new BuildState(new TreeMap<>());
  }

  /** Parts to rebuild: new, removed or with other inputs than {@code built} was made from. */
  public Set<String> partsChangedSince(BuildState built) {
    Set<String> changed = new TreeSet<>();
    parts.forEach((part, fingerprint) -> {
      if (!fingerprint.equals(built.parts.get(part))) {
        changed.add(part);
      }
    });
    built.parts.keySet().stream().filter(part -> !parts.containsKey(part)).forEach(changed::add);
    return changed;
  }

  /** One fingerprint for the whole table, for consumers that read all of it. */
  public String fingerprint() {
    return Fingerprints.of(parts.toString());
  }

  /** The fingerprint of a part, or of the whole table when it is not split into parts. */
  public String fingerprintOf(String part) {
    if (parts.containsKey(WHOLE)) {
      return parts.get(WHOLE);
    }
    return parts.getOrDefault(part, "absent");
  }

  /** The Delta commit's {@code userMetadata}. */
  public String toCommitMetadata() {
    try {
      return JSON.writeValueAsString(Map.of(MARKER, parts));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The state recorded in a commit's {@code userMetadata}, if the commit holds one. */
  public static Optional<BuildState> fromCommitMetadata(String userMetadata) {
    if (userMetadata == null || !userMetadata.contains(MARKER)) {
      return Optional.empty();
    }
    try {
      Map<String, Map<String, String>> parsed = JSON.readValue(userMetadata,
          new com.fasterxml.jackson.core.type.TypeReference<>() {});
      return Optional.of(new BuildState(new TreeMap<>(parsed.get(MARKER))));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
