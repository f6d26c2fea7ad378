/**
 * Spring Boot auto-configuration: properties under {@code sni.*}, the default
 * certificate store and callback, and the server adapters.
 */
@NullMarked
package io.github.snistarter.autoconfigure;

import org.jspecify.annotations.NullMarked;
