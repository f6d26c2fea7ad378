package io.github.snistarter.store;

/**
 * The rule by which a server name got its certificate.
 */
public enum MatchRule {

	/** A certificate registered for exactly this name. */
	EXACT,

	/** A certificate registered for {@code *.} and the name's parent domain. */
	WILDCARD,

	/** The default certificate: no SNI, or an unknown name under the default policy. */
	DEFAULT,

	/** Refused with {@code unrecognized_name}. */
	REJECTED

}
