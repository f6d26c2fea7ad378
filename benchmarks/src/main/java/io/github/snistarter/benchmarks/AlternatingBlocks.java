package io.github.snistarter.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * Two things measured in adjacent blocks, in the order a, c, c, a, a, c, ...: each pair
 * of adjacent blocks shares most of a machine's drift, and the alternating order keeps
 * either from always going first.
 */
final class AlternatingBlocks {

	/** One measured block. */
	@FunctionalInterface
	interface Block<T> {

		T measure() throws Exception;

	}

	/** The two blocks of one pair. */
	record Pair<T>(T a, T c) {
	}

	private AlternatingBlocks() {
	}

	static <T> List<Pair<T>> measure(int pairs, Block<T> a, Block<T> c) throws Exception {
		List<Pair<T>> measured = new ArrayList<>(pairs);
		for (int pair = 0; pair < pairs; pair++) {
			if (pair % 2 == 0) {
				T first = a.measure();
				measured.add(new Pair<>(first, c.measure()));
			}
			else {
				T first = c.measure();
				measured.add(new Pair<>(a.measure(), first));
			}
		}
		return measured;
	}

}
