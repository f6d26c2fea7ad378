/**
 * The PostgreSQL certificate store for fleets of replicas: a
 * {@link io.github.snistarter.store.CertificateSource} over a shared table, kept up to
 * date by LISTEN/NOTIFY and a revision poll, with private keys encrypted at rest and an
 * admin API.
 */
@NullMarked
package io.github.snistarter.store.jdbc;

import org.jspecify.annotations.NullMarked;
