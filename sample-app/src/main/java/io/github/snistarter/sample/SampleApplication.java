package io.github.snistarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runnable demo of the SNI starter: one HTTPS port that presents a different certificate for
 * {@code alpha.localhost}, {@code beta.localhost} and {@code *.tenants.localhost}.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// Registered here rather than as a bean: the certificate files must exist before Spring Boot
		// builds its SSL bundles, which happens long before any bean of ours is created.
		application.addListeners(new DemoCertificatesListener());
		application.run(args);
	}

}
