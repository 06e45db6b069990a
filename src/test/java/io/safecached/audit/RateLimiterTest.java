package io.safecached.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  void spacesEventsEvenlyWithoutSleeping() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimiter r = new RateLimiter(100, now::get);
    assertThat(r.reserve()).isZero();
    assertThat(r.reserve()).isEqualTo(10_000_000L);
    assertThat(r.reserve()).isEqualTo(20_000_000L);
    now.addAndGet(15_000_000L);
    assertThat(r.reserve()).isEqualTo(15_000_000L);
    now.addAndGet(1_000_000_000L);
    assertThat(r.reserve()).isZero();
    assertThat(r.reserve()).isEqualTo(10_000_000L);
  }

  @Test
  void rejectsNonPositiveRates() {
    assertThatThrownBy(() -> new RateLimiter(0, System::nanoTime)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(Double.NaN, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
