package io.github.snistarter.core;

import java.nio.charset.StandardCharsets;

import io.github.snistarter.TlsAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ServerNamesTest {

	@Test
	void nameIsLowerCased() throws Exception {
		assertThat(normalize("API.Test")).isEqualTo(new ServerName("api.test", "api.test"));
	}

	@Test
	void aLabelIsDecodedToUnicode() throws Exception {
		assertThat(normalize("xn--bcher-kva.test")).isEqualTo(new ServerName("xn--bcher-kva.test", "bücher.test"));
	}

	@Test
	void upperCaseALabelIsNormalized() throws Exception {
		assertThat(normalize("XN--BCHER-KVA.Test").aLabel()).isEqualTo("xn--bcher-kva.test");
	}

	@ParameterizedTest
	@ValueSource(strings = { "xn--zz--.test", "xn--.test", "xn--abc.test", "xn--a-.test" })
	void invalidPunycodeIsInternalError(String name) {
		assertThat(alertFor(name.getBytes(StandardCharsets.US_ASCII))).isEqualTo(TlsAlert.INTERNAL_ERROR);
	}

	@ParameterizedTest
	@ValueSource(strings = { "api.test.", ".api.test", "api..test", "a pi.test", "api.test/x", "*.test", "api:test" })
	void forbiddenNamesAreIllegalParameter(String name) {
		assertThat(alertFor(name.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
	}

	@Test
	void nulControlAndNonAsciiBytesAreIllegalParameter() {
		assertThat(alertFor(new byte[] { 'a', 0, 'b' })).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(alertFor(new byte[] { 'a', 0x1b, 'b' })).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(alertFor("bücher.test".getBytes(StandardCharsets.UTF_8))).isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
		assertThat(alertFor("b\u00fccher.test".getBytes(StandardCharsets.ISO_8859_1)))
			.isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
	}

	@Test
	void overlongLabelIsIllegalParameter() {
		assertThat(alertFor(("a".repeat(64) + ".test").getBytes(StandardCharsets.US_ASCII)))
			.isEqualTo(TlsAlert.ILLEGAL_PARAMETER);
	}

	@Test
	void emptyNameIsDecodeError() {
		assertThat(alertFor(new byte[0])).isEqualTo(TlsAlert.DECODE_ERROR);
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "10.1.2.3", "::1", "2001:db8::1" })
	void ipLiteralsCountAsNoServerName(String name) throws Exception {
		assertThat(ServerNames.normalize(name.getBytes(StandardCharsets.US_ASCII))).isNull();
	}

	@Test
	void dottedNumbersThatAreNoAddressAreNames() throws Exception {
		assertThat(normalize("1.2.3.4.test").aLabel()).isEqualTo("1.2.3.4.test");
		assertThat(normalize("999.1.1.1").aLabel()).isEqualTo("999.1.1.1");
	}

	@Test
	void textNamesConvertToALabels() {
		assertThat(ServerNames.toALabel("Bücher.Test")).isEqualTo("xn--bcher-kva.test");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNames.toALabel("bad name.test"));
	}

	private static ServerName normalize(String name) throws TlsFormatException {
		ServerName result = ServerNames.normalize(name.getBytes(StandardCharsets.US_ASCII));
		assertThat(result).isNotNull();
		return result;
	}

	private static TlsAlert alertFor(byte[] raw) {
		TlsFormatException ex = catchThrowableOfType(TlsFormatException.class, () -> ServerNames.normalize(raw));
		assertThat(ex).as("expected a refusal").isNotNull();
		return ex.alert();
	}

}
