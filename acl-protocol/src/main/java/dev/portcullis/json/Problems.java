package dev.portcullis.json;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem found in one document, so that a reader reports them all at once
 * instead of stopping at the first. Not thread-safe; one instance per document read.
 */
public final class Problems {

  private final String source;
  private final List<String> messages = new ArrayList<>();

  /** @param source where the document came from (a ZooKeeper path, a file, a topic), used in messages */
  public Problems(String source) {
    this.source = source;
  }

  public String source() {
    return source;
  }

  public void add(String message) {
    messages.add(message);
  }

  /** Number of problems so far; readers compare it before and after reading one part. */
  public int size() {
    return messages.size();
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  public List<String> messages() {
    return List.copyOf(messages);
  }

  /** Throws an {@link InvalidDocumentException} carrying every problem, if there is any. */
  public void throwIfAny() {
    if (!messages.isEmpty()) {
      throw new InvalidDocumentException(source, messages);
    }
  }
}
