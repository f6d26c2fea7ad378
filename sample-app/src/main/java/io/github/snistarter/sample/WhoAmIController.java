package io.github.snistarter.sample;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tells the caller which server name it reached and which certificate served the connection:
 * {@code GET /} as text for {@code curl}, {@code GET /whoami} as JSON.
 */
@RestController
class WhoAmIController {

	@GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
	String text(HttpServletRequest request) {
		return ConnectionInfo.of(request).toText();
	}

	@GetMapping(path = "/whoami", produces = MediaType.APPLICATION_JSON_VALUE)
	ConnectionInfo json(HttpServletRequest request) {
		return ConnectionInfo.of(request);
	}

}
