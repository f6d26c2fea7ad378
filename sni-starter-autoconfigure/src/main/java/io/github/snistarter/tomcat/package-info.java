/**
 * The embedded Tomcat adapter: a NIO endpoint whose new connections get their engine
 * from {@link io.github.snistarter.core.ServerNameSelector}, and the Spring Boot
 * customizer that installs it.
 */
@NullMarked
package io.github.snistarter.tomcat;

import org.jspecify.annotations.NullMarked;
