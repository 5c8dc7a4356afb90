package dev.portcullis.benchmarks.soak;

import dev.portcullis.notifier.scan.RuleScanner;
import java.time.Duration;

/**
 * The 10-minute soak (BENCHMARKS.md): {@code java -Xmx6g -cp "$CP" dev.portcullis.benchmarks.soak.SoakHarness
 * [minutes] [benign/s] [ipv6/s] [scraper/s]}; by default 10 minutes, 1,000,000 benign users at 2,000
 * requests a second, 16,700 fresh IPv6 addresses a second (10 million in 10 minutes) from one /48, a
 * /24 scraper at 400 a second; Redis stopped for 30 s at 40 % of the run, an aggregator SIGKILLed at
 * 55 %. Prints a row a minute and the checks, as markdown.
 */
public final class SoakHarness {

  private SoakHarness() {}

  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int benign = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int v6 = args.length > 2 ? Integer.parseInt(args[2]) : 16_700;
    int scraper = args.length > 3 ? Integer.parseInt(args[3]) : 400;
    Duration length = Duration.ofMinutes(minutes);
    Soak.Report r = Soak.run(new Soak.Settings(length, Duration.ofMinutes(1), 1_000_000,
        new SoakTraffic.Rates(benign, v6, scraper), length.multipliedBy(40).dividedBy(100), Duration.ofSeconds(30),
        length.multipliedBy(55).dividedBy(100), RuleScanner.DEFAULT_LATE_LOOKBACK), System.out::println);
    System.out.println(r.markdown());
  }
}
