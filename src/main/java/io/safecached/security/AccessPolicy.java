package io.safecached.security;

import io.safecached.config.Cidr;
import io.safecached.config.ServerConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The one access policy: per source address and listener kind (TCP, TLS, UDP), whether the source is served at
 * all, and which {@link CommandKind kinds} of command it may run. Every transport asks it; none decides on its
 * own.
 *
 * <p>Design notes.
 * <ul>
 * <li><b>Who is served</b> ({@link #admit}): a source outside {@code --allow} is refused on every listener: TCP
 * and TLS connections are closed at accept, UDP datagrams are dropped. On UDP, which carries no login, a source
 * outside {@code --udp-allow} is dropped when connections must log in ({@code -Y}); otherwise it is served
 * {@link Admission#LIMITED limited}, under the packet rates of the {@link UdpGuard}.</li>
 * <li><b>What is allowed</b> ({@link #refusal}): a limited UDP source may run reads only (and quit), unless
 * {@code --udp-writes}; with {@code --admin-users}, admin commands are for those users only, so a UDP source
 * (which cannot log in) never runs them. Login commands are the authentication gate's business and always pass
 * here.</li>
 * <li>What a limited UDP source may receive (the amplification bound and the reply byte rates) stays with the
 * {@link #udp() UDP guard}, which this policy owns.</li>
 * </ul>
 */
public final class AccessPolicy {
  /** The kinds of listener a request can arrive on. */
  public enum Listener { TCP, TLS, UDP }

  /** How a source is served on a listener. */
  public enum Admission {
    /** Served in full: any command (admin ones subject to {@code --admin-users}), replies of any size. */
    FULL,
    /** A UDP source outside {@code --udp-allow}: reads only unless {@code --udp-writes}; bounded replies. */
    LIMITED,
    /** Outside {@code --allow}: a connection is closed at accept, a datagram dropped. */
    NOT_ALLOWED,
    /** A UDP source outside {@code --udp-allow} while connections must log in: dropped (UDP has no login). */
    UNAUTHENTICATED,
    /** A limited UDP source over its packet rate, or over the global one: this datagram is dropped. */
    RATE_LIMITED;

    /** True when the request is served at all. */
    public boolean served() {
      return this == FULL || this == LIMITED;
    }
  }

  /** Why a command is not run. */
  public enum Refusal {
    /** An admin command from a peer that is not one of {@code --admin-users}. */
    NOT_ADMIN,
    /** A write or admin command from a limited UDP source without {@code --udp-writes}. */
    READ_ONLY
  }

  private final List<Cidr> allow;
  private final boolean authenticates;
  private final Set<String> adminUsers;
  private final UdpGuard udp;

  /**
   * A policy for {@code access} ({@code --allow}, {@code -Y}, {@code --admin-users}) whose UDP sources are judged
   * by {@code udp} (null when the server has no UDP listener).
   */
  public AccessPolicy(ServerConfig.Access access, UdpGuard udp) {
    this.allow = List.copyOf(access.allow());
    this.authenticates = access.authenticates();
    this.adminUsers = Set.copyOf(access.adminUsers());
    this.udp = udp;
  }

  /** The policy of {@code config}, its UDP guard timed by {@code nanoClock}. */
  public static AccessPolicy of(ServerConfig config, LongSupplier nanoClock) {
    return new AccessPolicy(config.access(), new UdpGuard(config.udp(), nanoClock));
  }

  /** True when some sources are refused on every listener ({@code --allow} was given). */
  public boolean restrictsSources() {
    return !allow.isEmpty();
  }

  /**
   * How {@code source} is served on {@code listener}. For a limited UDP source this takes a packet token from
   * the guard's rate limits, so call it once per datagram.
   */
  public Admission admit(InetAddress source, Listener listener) {
    Objects.requireNonNull(source, "source");
    if (!allow.isEmpty() && !Cidr.anyContains(allow, source)) {
      return Admission.NOT_ALLOWED;
    }
    if (listener != Listener.UDP || udp.trusted(source)) {
      return Admission.FULL;
    }
    if (authenticates) {
      return Admission.UNAUTHENTICATED;
    }
    return udp.admit(source) ? Admission.LIMITED : Admission.RATE_LIMITED;
  }

  /**
   * Why a command of {@code kind} may not run for a peer served as {@code admission} and logged in as
   * {@code user} (null when it has not logged in, or cannot, as over UDP); null when it may.
   */
  public Refusal refusal(CommandKind kind, Admission admission, String user) {
    if (!admission.served()) {
      throw new IllegalArgumentException("a source that is not served runs nothing: " + admission);
    }
    if (admission == Admission.LIMITED && (kind == CommandKind.WRITE || kind == CommandKind.ADMIN)
        && !udp.writesAllowed()) {
      return Refusal.READ_ONLY;
    }
    if (kind == CommandKind.ADMIN && !isAdmin(user)) {
      return Refusal.NOT_ADMIN;
    }
    return null;
  }

  /** True when {@code user} (null: nobody logged in) may run admin commands. */
  public boolean isAdmin(String user) {
    return adminUsers.isEmpty() || user != null && adminUsers.contains(user);
  }

  /** The UDP guard: amplification bound and reply byte rates for limited sources; null without UDP. */
  public UdpGuard udp() {
    return udp;
  }
}
