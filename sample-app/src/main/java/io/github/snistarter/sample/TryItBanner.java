package io.github.snistarter.sample;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prints ready-to-paste {@code curl} and {@code openssl} commands once the server listens,
 * and the Actuator commands (the {@code sni} endpoint, health, metrics) once the management
 * server listens. It waits for the web servers rather than reading {@code server.port} so
 * the real ports are shown with {@code --server.port=0}.
 */
@Component
class TryItBanner implements ApplicationListener<WebServerInitializedEvent> {

	private static final List<String> NAMES = List.of("alpha.localhost", "beta.localhost", "x.tenants.localhost");

	private final Environment environment;

	TryItBanner(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		// A separate management port has its own server, started after the main one, in the
		// "management" namespace: its commands come in a second block, with its real port.
		String namespace = event.getApplicationContext().getServerNamespace();
		if (namespace == null) {
			System.out.println(render(event.getWebServer().getPort()));
		}
		else if ("management".equals(namespace)) {
			System.out.println(renderManagement(event.getWebServer().getPort()));
		}
	}

	String render(int port) {
		Path directory = DemoCertificates.directory(this.environment).toAbsolutePath().normalize();
		String caFile = quoted(directory.resolve(DemoCertificates.CA + ".crt").toString());
		String unknownName = this.environment.getProperty("sni.unknown-name", "default");
		StringBuilder banner = new StringBuilder();
		banner.append("\n==================== SNI demo: try it ====================\n");
		banner.append("HTTPS on port ").append(port).append(", unknown server names: ").append(unknownName).append('\n');
		banner.append("Demo folder (CA and certificates): ").append(directory).append("\n\n");
		banner.append("Which certificate answers which name?\n");
		for (String name : NAMES) {
			banner.append("  ").append(curl("", caFile, name, port, "/")).append('\n');
		}
		banner.append("\nSame over HTTP/2, as JSON:\n");
		banner.append("  ").append(curl("--http2 ", caFile, "alpha.localhost", port, "/whoami")).append("\n\n");
		banner.append("The handshake itself (look at 'subject=' and 'Verify return code'):\n");
		banner.append("  ").append(openssl(port, "alpha.localhost", caFile)).append("\n\n");
		banner.append("A name no bundle is mapped to: gets the default certificate, or with\n");
		banner.append("--sni.unknown-name=reject a TLS alert 112 (unrecognized_name):\n");
		banner.append("  ").append(openssl(port, "unknown.localhost", caFile)).append('\n');
		banner.append("==========================================================\n");
		return banner.toString();
	}

	String renderManagement(int port) {
		String base = "http://127.0.0.1:" + port + "/actuator";
		StringBuilder banner = new StringBuilder();
		banner.append("\n=============== SNI demo: operate it (Actuator) ===============\n");
		banner.append("Management port ").append(port).append(": plain HTTP, on 127.0.0.1 only.\n\n");
		banner.append("Every certificate loaded (subject, names, validity, fingerprint, source, status):\n");
		banner.append("  curl ").append(base).append("/sni\n\n");
		banner.append("Which certificate would a name get, and by which rule (exact, wildcard, default, rejected)?\n");
		banner.append("  curl ").append(base).append("/sni/x.tenants.localhost\n");
		banner.append("  curl ").append(base).append("/sni/unknown.localhost\n\n");
		banner.append("Health of the default certificate, certificates about to expire:\n");
		banner.append("  curl ").append(base).append("/health/sni\n\n");
		banner.append("Handshakes by outcome (selected, default, rejected, failed) and alert; selection time:\n");
		banner.append("  curl ").append(base).append("/metrics/sni.handshakes\n");
		banner.append("  curl '").append(base).append("/metrics/sni.handshakes?tag=outcome:rejected'\n");
		banner.append("  curl ").append(base).append("/metrics/sni.selection\n");
		banner.append("===============================================================\n");
		return banner.toString();
	}

	private static String curl(String options, String caFile, String name, int port, String path) {
		// --resolve sends the TLS handshake to 127.0.0.1 while SNI and Host stay the demo name,
		// whatever the local resolver thinks of *.localhost.
		return "curl " + options + "--cacert " + caFile + " --resolve " + name + ":" + port + ":127.0.0.1 https://"
				+ name + ":" + port + path;
	}

	private static String openssl(int port, String name, String caFile) {
		return "openssl s_client -connect 127.0.0.1:" + port + " -servername " + name + " -CAfile " + caFile
				+ " </dev/null";
	}

	private static String quoted(String path) {
		return path.contains(" ") ? "'" + path + "'" : path;
	}

}
