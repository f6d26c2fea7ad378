package io.github.snistarter.server;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The smallest web application that uses the starter: one endpoint that answers "ok".
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class SniTestApplication {

	@GetMapping("/")
	String ok() {
		return "ok";
	}

}
