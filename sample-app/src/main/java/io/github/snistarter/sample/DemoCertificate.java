package io.github.snistarter.sample;

import java.util.List;

/**
 * One server certificate of the demo: written to {@code <name>.crt} and {@code <name>.key}.
 *
 * @param name file name stem, also the SSL bundle it feeds (see {@code application.yml})
 * @param commonName subject CN; distinct per certificate so the served one is easy to recognise
 * @param dnsNames subject alternative names, which is what clients actually check
 */
public record DemoCertificate(String name, String commonName, List<String> dnsNames) {

	public DemoCertificate {
		dnsNames = List.copyOf(dnsNames);
	}

}
