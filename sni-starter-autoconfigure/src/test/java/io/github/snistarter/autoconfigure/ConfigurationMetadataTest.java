package io.github.snistarter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated configuration metadata, which IDEs use to complete and document
 * properties: every {@code sni.*} property is in it with a description, and every one
 * that has a default value says so.
 */
class ConfigurationMetadataTest {

	/** Properties that are unset unless configured; their description says what applies then. */
	private static final Set<String> NO_DEFAULT_TYPES = Set.of("java.lang.String", "java.nio.file.Path");

	@Test
	void everySniPropertyHasADescription() throws IOException {
		assertThat(sniProperties()).isNotEmpty()
			.allSatisfy((property) -> assertThat((String) property.get("description")).as(name(property))
				.isNotBlank());
	}

	@Test
	void everySniPropertyWithAValueTypeHasADefault() throws IOException {
		assertThat(sniProperties())
			.filteredOn((property) -> !NO_DEFAULT_TYPES.contains(property.get("type"))
					&& !String.valueOf(property.get("type")).startsWith("java.util.List")
					&& !String.valueOf(property.get("type")).startsWith("java.util.Map"))
			.allSatisfy((property) -> assertThat(property).as(name(property)).containsKey("defaultValue"));
	}

	@Test
	void operatingPropertiesAreListed() throws IOException {
		assertThat(sniProperties()).extracting(ConfigurationMetadataTest::name)
			.contains("sni.metrics.enabled", "sni.metrics.server-name-tag", "sni.metrics.max-server-names",
					"sni.metrics.certificate-refresh-interval", "sni.health.certificate-validity-warning-threshold");
		assertThat(properties("management.")).extracting(ConfigurationMetadataTest::name)
			.contains("management.health.sni.enabled", "management.endpoint.sni.access");
	}

	@Test
	void expiryWarningThresholdDefaultsToFourteenDays() throws IOException {
		assertThat(sniProperties()).filteredOn((property) -> name(property).endsWith("validity-warning-threshold"))
			.singleElement()
			.satisfies((property) -> assertThat(property).containsEntry("defaultValue", "14d"));
	}

	private static List<Map<String, Object>> sniProperties() throws IOException {
		return properties("sni.");
	}

	private static List<Map<String, Object>> properties(String prefix) throws IOException {
		List<Map<String, Object>> found = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				List<Map<String, Object>> properties = JsonPath.parse(in).read("$.properties");
				properties.stream().filter((property) -> name(property).startsWith(prefix)).forEach(found::add);
			}
		}
		return found;
	}

	private static String name(Map<String, Object> property) {
		return String.valueOf(property.get("name"));
	}

}
