/**
 * The server-neutral core: reading the ClientHello off the wire, normalizing the
 * server name, running the active callback and turning its decision into an
 * {@link javax.net.ssl.SSLEngine} or an alert. Server adapters call
 * {@link io.github.snistarter.core.ServerNameSelector#wrap} and nothing else.
 */
@NullMarked
package io.github.snistarter.core;

import org.jspecify.annotations.NullMarked;
