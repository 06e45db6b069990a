package io.safecached.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.safecached.command.Result.Rejection.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code stats cachedump}: memcached's argument checks, then its answer for an empty slab class, always. */
class StatsCachedumpTest {
  private final CommandFixture f = new CommandFixture();

  private Result cachedump(String... args) {
    return f.run(new Command.Stats("cachedump", List.of(args)));
  }

  @Test
  void everyClassAnswersAsAnEmptyOne() {
    f.set("secret:1", "x");
    for (String[] args : new String[][] {{"1", "10"}, {"0", "0"}, {"63", "1"}, {"1", "0", "extra"},
        {"4294967296", "1"}}) {
      assertThat(cachedump(args)).as(String.join(" ", args)).isEqualTo(new Result.Stats(List.of()));
    }
  }

  @Test
  void memcachedsErrors() {
    Result badLine = new Result.ClientError(Kind.NOT_FOUND, "bad command line");
    Result badFormat = new Result.ClientError(Kind.NOT_FOUND, "bad command line format");
    Result badClass = new Result.ClientError(Kind.NOT_FOUND, "Illegal slab id");
    assertThat(cachedump()).isEqualTo(badLine);
    assertThat(cachedump("1")).isEqualTo(badLine);
    assertThat(cachedump("x", "y")).isEqualTo(badFormat);
    assertThat(cachedump("-1", "1")).isEqualTo(badFormat);
    assertThat(cachedump("1", "-1")).isEqualTo(badFormat);
    assertThat(cachedump("1x", "1")).isEqualTo(badFormat);
    assertThat(cachedump("64", "1")).isEqualTo(badClass);
    assertThat(cachedump("99", "1")).isEqualTo(badClass);
  }
}
