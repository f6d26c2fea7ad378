package io.github.snistarter.store;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerNamePatternTest {

	@Test
	void wildcardCoversExactlyOneLabel() {
		ServerNamePattern pattern = ServerNamePattern.parse("*.shop.test");
		assertThat(pattern.matches("x.shop.test")).isTrue();
		assertThat(pattern.matches("shop.test")).isFalse();
		assertThat(pattern.matches("a.b.shop.test")).isFalse();
		assertThat(pattern.matches("xshop.test")).isFalse();
	}

	@Test
	void patternsAreCaseInsensitiveAndUnicodeBecomesALabel() {
		assertThat(ServerNamePattern.parse("API.Test")).isEqualTo(ServerNamePattern.parse("api.test"));
		assertThat(ServerNamePattern.parse("*.Bücher.test").toString()).isEqualTo("*.xn--bcher-kva.test");
	}

	@Test
	void partialWildcardsAndAddressesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse("a*.shop.test"))
			.withMessageContaining("whole first label");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse("*.*.test"));
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse("127.0.0.1"));
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse("shop.test."));
	}

	@Test
	void exactNameBeatsWildcardInTable() {
		Map<ServerNamePattern, String> entries = new LinkedHashMap<>();
		entries.put(ServerNamePattern.parse("*.shop.test"), "W");
		entries.put(ServerNamePattern.parse("www.shop.test"), "E");
		ServerNameTable<String> table = ServerNameTable.of(entries);
		assertThat(table.find("www.shop.test")).isEqualTo(new ServerNameTable.Match<>("E", MatchRule.EXACT));
		assertThat(table.find("x.shop.test")).isEqualTo(new ServerNameTable.Match<>("W", MatchRule.WILDCARD));
		assertThat(table.find("a.b.shop.test")).isNull();
		assertThat(table.find("shop.test")).isNull();
	}

}
