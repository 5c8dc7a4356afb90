package dev.portcullis.client.thread;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadCellsTest {

  @Test
  void countsFromManyThreadsAddUpExactly() throws InterruptedException {
    ThreadCells state = new ThreadCells(3);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int kind = t % 3;
      threads.add(new Thread(() -> {
        ThreadCells.Cell cell = state.cell();
        for (int i = 0; i < 100_000; i++) {
          cell.count(kind);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(state.sum(0)).isEqualTo(200_000);
    assertThat(state.sum(1)).isEqualTo(100_000);
    assertThat(state.sum(2)).isEqualTo(100_000);
  }

  @Test
  void anEndedThreadsCellIsFoldedIntoTheTotalAndDropped() throws InterruptedException {
    ThreadCells state = new ThreadCells(1);
    state.cell().count(0);
    Thread worker = new Thread(() -> {
      ThreadCells.Cell cell = state.cell();
      cell.count(0);
      cell.count(0);
    });
    worker.start();
    worker.join();

    assertThat(state.sum(0)).isEqualTo(3);
    assertThat(state.liveCells()).isEqualTo(1); // only this test's thread
    assertThat(state.sum(0)).isEqualTo(3);      // folded counts stay counted
  }

  @Test
  void aThreadGetsTheSameCellEveryTime() {
    ThreadCells state = new ThreadCells(1);
    assertThat(state.cell()).isSameAs(state.cell());
  }
}
