package io.github.snistarter.autoconfigure;

import io.github.snistarter.ActiveServerNameCallback;
import io.github.snistarter.ServerNameCallback;
import io.github.snistarter.SniDecision;
import io.github.snistarter.core.ServerNameSelector;
import io.github.snistarter.store.CertificateStoreCallback;
import io.github.snistarter.tomcat.SniTomcatWebServerFactoryCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the auto-configuration registers, and when it backs off (SPEC C1).
 */
class SniAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SniAutoConfiguration.class));

	@Test
	void registersTheStoreBackedCallbackAndTheTomcatAdapter() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(CertificateStoreCallback.class);
			assertThat(context).hasSingleBean(ActiveServerNameCallback.class);
			assertThat(context).hasSingleBean(ServerNameSelector.class);
			assertThat(context).hasSingleBean(SniTomcatWebServerFactoryCustomizer.class);
			assertThat(context.getBean(ActiveServerNameCallback.class).get())
				.isSameAs(context.getBean(CertificateStoreCallback.class));
		});
	}

	@Test
	void applicationCallbackReplacesTheDefaultOne() {
		this.runner.withUserConfiguration(CustomCallback.class).run((context) -> {
			assertThat(context).doesNotHaveBean(CertificateStoreCallback.class);
			assertThat(context.getBean(ActiveServerNameCallback.class).get())
				.isSameAs(context.getBean("customCallback"));
		});
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("sni.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ServerNameSelector.class);
			assertThat(context).doesNotHaveBean(SniTomcatWebServerFactoryCustomizer.class);
		});
	}

	@Test
	void badServerNameMappingFailsWithThePropertyNamed() {
		this.runner
			.withPropertyValues("sni.server-name-bundles[0].server-name=api.test",
					"sni.server-name-bundles[0].bundle=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sni.server-name-bundles[0] needs both 'server-name' and 'bundle'"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomCallback {

		@Bean
		ServerNameCallback customCallback() {
			return (hello) -> SniDecision.useDefault();
		}

	}

}
