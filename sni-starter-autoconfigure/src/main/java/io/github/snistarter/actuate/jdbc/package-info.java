/**
 * The privileged Actuator endpoint of the PostgreSQL certificate store.
 */
@NullMarked
package io.github.snistarter.actuate.jdbc;

import org.jspecify.annotations.NullMarked;
