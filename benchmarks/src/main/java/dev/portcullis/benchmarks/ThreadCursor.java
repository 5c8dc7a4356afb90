package dev.portcullis.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A benchmark thread's position in the pre-generated addresses: each thread walks them from its own place. */
@State(Scope.Thread)
public class ThreadCursor {
  int i;

  @Setup(Level.Trial)
  public void setUp() {
    i = (int) (Thread.currentThread().getId() * 7919);
  }
}
