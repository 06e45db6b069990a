package io.safecached.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** ServerConfig's protocol setting: its default, its validation and how stats settings names it. */
class ServerConfigTest {

  @Test
  void theProtocolIsNegotiatedByDefault() {
    assertThat(ServerConfig.builder().build().protocol()).isEqualTo(ServerConfig.Protocol.AUTO);
    assertThat(ServerConfig.builder().protocol(ServerConfig.Protocol.BINARY).build().protocol())
        .isEqualTo(ServerConfig.Protocol.BINARY);
  }

  @Test
  void aMissingProtocolIsRefusedWithAOneLineMessage() {
    assertThatThrownBy(() -> ServerConfig.builder().protocol(null).build()).isInstanceOf(ConfigException.class)
        .hasMessage("binding protocol is required (-B auto, ascii or binary)");
  }

  @Test
  void statsSettingsNamesItAsMemcachedDoes() {
    // memcached 1.6.18, stats settings: binding_protocol auto-negotiate / ascii / binary
    assertThat(ServerConfig.Protocol.AUTO.statName()).isEqualTo("auto-negotiate");
    assertThat(ServerConfig.Protocol.ASCII.statName()).isEqualTo("ascii");
    assertThat(ServerConfig.Protocol.BINARY.statName()).isEqualTo("binary");
  }
}
