package io.github.snistarter.core;

import io.github.snistarter.TlsAlert;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServerNames#check(String)}: a name typed by an operator is judged exactly as the
 * same name sent by a client.
 */
class ServerNameCheckTest {

	@Test
	void nameIsLowerCasedLikeOnTheWire() {
		ServerNameCheck check = ServerNames.check("API.Example.com");
		assertThat(check.aLabel()).isEqualTo("api.example.com");
		assertThat(check.isRefused()).isFalse();
	}

	@Test
	void unicodeNameIsCheckedAsTheALabelAClientSends() {
		ServerNameCheck check = ServerNames.check("Bücher.example");
		assertThat(check.aLabel()).isEqualTo("xn--bcher-kva.example");
		assertThat(check.unicode()).isEqualTo("bücher.example");
	}

	@Test
	void ipAddressCountsAsNoServerName() {
		assertThat(ServerNames.check("192.0.2.1").isNoServerName()).isTrue();
		assertThat(ServerNames.check("2001:db8::1").isNoServerName()).isTrue();
	}

	@Test
	void forbiddenNamesGetTheHandshakesAlert() {
		assertThat(ServerNames.check("api.test.").alert()).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(ServerNames.check("api..test").alert()).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(ServerNames.check("api test").alert()).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(ServerNames.check("").alert()).isEqualTo(TlsAlert.DECODE_ERROR);
		assertThat(ServerNames.check("xn--zz--.test").alert()).isEqualTo(TlsAlert.INTERNAL_ERROR);
		assertThat(ServerNames.check("xn--zz--.test").problem()).isNotBlank();
	}

}
