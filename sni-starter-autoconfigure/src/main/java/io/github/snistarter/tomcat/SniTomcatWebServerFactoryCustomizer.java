package io.github.snistarter.tomcat;

import io.github.snistarter.core.ServerNameSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Puts the {@link SniHttp11NioProtocol} on the main connector of an embedded Tomcat
 * that serves HTTPS and connects it to the {@link ServerNameSelector}. Runs after
 * Spring Boot's own customizers, so the connector's SSL configuration is complete.
 */
public final class SniTomcatWebServerFactoryCustomizer
		implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(SniTomcatWebServerFactoryCustomizer.class);

	private final ServerNameSelector selector;

	public SniTomcatWebServerFactoryCustomizer(ServerNameSelector selector) {
		this.selector = selector;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		if (!Ssl.isEnabled(factory.getSsl())) {
			logger.info("Per-SNI certificate selection is inactive: the server does not use SSL (server.ssl.*)");
			return;
		}
		String protocol = factory.getProtocol();
		if (!TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(protocol)
				&& !SniHttp11NioProtocol.class.getName().equals(protocol)) {
			throw new IllegalStateException("Per-SNI certificate selection needs Tomcat's NIO connector ("
					+ TomcatWebServerFactory.DEFAULT_PROTOCOL + "), but the server is configured with " + protocol
					+ ". Remove the custom protocol or set sni.enabled=false.");
		}
		factory.setProtocol(SniHttp11NioProtocol.class.getName());
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof SniHttp11NioProtocol sniProtocol) {
				sniProtocol.setServerNameSelector(this.selector);
			}
		});
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
