package io.github.snistarter.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.snistarter.testkit.IssuedCertificate;
import io.github.snistarter.testkit.PemFiles;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real application with the starter, on embedded Tomcat with HTTPS on a random port,
 * configured the way a user would: certificates as PEM files in SSL bundles, mapped to
 * server names under {@code sni.*}.
 */
public final class SniServer implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private SniServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	public static Builder builder(Path directory) {
		return new Builder(directory);
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

	public static final class Builder {

		private static final String DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure."
				+ "DataSourceAutoConfiguration";

		private final Path directory;

		private final Map<String, Object> properties = new LinkedHashMap<>();

		private final List<Class<?>> sources = new ArrayList<>(List.of(SniTestApplication.class));

		private int mappings;

		Builder(Path directory) {
			this.directory = directory;
			this.properties.put("server.port", "0");
			this.properties.put("server.address", "127.0.0.1");
			this.properties.put("spring.main.banner-mode", "off");
			// HikariCP is on the test class path for the fleet tests; other applications have no database.
			this.properties.put("spring.autoconfigure.exclude", DATA_SOURCE_AUTO_CONFIGURATION);
		}

		/** The application's database ({@code spring.datasource.url}), through Spring Boot's DataSource. */
		public Builder dataSource(String jdbcUrl) {
			this.properties.remove("spring.autoconfigure.exclude");
			return property("spring.datasource.url", jdbcUrl);
		}

		/** A PEM bundle holding the certificate, written to files in the directory. */
		public Builder bundle(String name, IssuedCertificate certificate) {
			PemFiles files = certificate.writePem(this.directory, name);
			String prefix = "spring.ssl.bundle.pem." + name;
			this.properties.put(prefix + ".keystore.certificate", "file:" + files.certificate());
			this.properties.put(prefix + ".keystore.private-key", "file:" + files.privateKey());
			return this;
		}

		/** The bundle the server itself uses, {@code server.ssl.bundle}. */
		public Builder serverBundle(String name) {
			return property("server.ssl.bundle", name);
		}

		/** A server-name pattern served by a bundle. */
		public Builder serve(String serverName, String bundle) {
			String prefix = "sni.server-name-bundles[" + this.mappings++ + "]";
			this.properties.put(prefix + ".server-name", serverName);
			this.properties.put(prefix + ".bundle", bundle);
			return this;
		}

		public Builder rejectUnknownNames() {
			return property("sni.unknown-name", "reject");
		}

		public Builder property(String name, Object value) {
			this.properties.put(name, value);
			return this;
		}

		/** Extra configuration, such as a custom callback bean. */
		public Builder with(Class<?>... configuration) {
			this.sources.addAll(List.of(configuration));
			return this;
		}

		public SniServer start() {
			SpringApplication application = new SpringApplicationBuilder(this.sources.toArray(Class<?>[]::new))
				.web(WebApplicationType.SERVLET)
				.properties(this.properties)
				.build();
			return new SniServer(application.run());
		}

	}

}
