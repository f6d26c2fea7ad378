package io.github.snistarter.tomcat;

import io.github.snistarter.core.ServerNameSelector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat's HTTP/1.1 NIO protocol (with HTTP/2 upgrade and ALPN as configured) on a
 * {@link SniNioEndpoint}. Tomcat instantiates protocols by class name, hence the
 * public no-argument constructor.
 */
public class SniHttp11NioProtocol extends Http11NioProtocol {

	public SniHttp11NioProtocol() {
		super(new SniNioEndpoint());
	}

	/**
	 * Use the selector for every new connection from now on.
	 * @param selector the selector, or {@code null} to let Tomcat choose as usual
	 */
	public void setServerNameSelector(@Nullable ServerNameSelector selector) {
		((SniNioEndpoint) getEndpoint()).setSelector(selector);
	}

}
