/**
 * Spring Boot Actuator support: the {@code sni} endpoint (certificates loaded, and which
 * certificate a server name gets) and the {@code sni} health contributor.
 */
@NullMarked
package io.github.snistarter.actuate;

import org.jspecify.annotations.NullMarked;
