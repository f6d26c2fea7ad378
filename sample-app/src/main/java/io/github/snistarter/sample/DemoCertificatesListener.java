package io.github.snistarter.sample;

import java.nio.file.Path;
import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Creates (or reuses) the demo certificates in {@code demo.dir} as soon as the environment is
 * known, so that the PEM SSL bundles in {@code application.yml} find their files.
 */
class DemoCertificatesListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(DemoCertificatesListener.class);

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Path directory = DemoCertificates.directory(event.getEnvironment());
		DemoCertificates.Report report = new DemoCertificates(directory, Clock.systemUTC()).ensure();
		// Paths and names only: the key files stay where they are and never reach the log.
		logger.info("Demo certificates in {}: created {}, reused {}", directory.toAbsolutePath().normalize(),
				report.created(), report.reused());
	}

}
