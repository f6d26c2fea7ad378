package io.github.snistarter.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Summary figures of a list of per-round ratios: median, min, max, and the mean with a
 * 95 % confidence interval (percentile bootstrap with a fixed seed, so that the same
 * rounds always give the same figures).
 */
record RatioStatistics(int rounds, double median, double min, double max, double mean, double low, double high) {

	private static final int RESAMPLES = 10_000;

	/**
	 * Min, median and max of some values.
	 * @param values the values
	 * @return {@code {min, median, max}}, or {@code null} when there are none
	 */
	static double[] spread(Collection<Double> values) {
		if (values.isEmpty()) {
			return null;
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new double[] { sorted[0], median, sorted[n - 1] };
	}

	static RatioStatistics of(List<Double> ratios) {
		double[] spread = spread(ratios);
		if (spread == null) {
			throw new IllegalArgumentException("No ratios");
		}
		double[] values = ratios.stream().mapToDouble(Double::doubleValue).toArray();
		int n = values.length;
		double mean = Arrays.stream(values).average().orElseThrow();
		SplittableRandom random = new SplittableRandom(42);
		double[] means = new double[RESAMPLES];
		for (int i = 0; i < RESAMPLES; i++) {
			double sum = 0;
			for (int j = 0; j < n; j++) {
				sum += values[random.nextInt(n)];
			}
			means[i] = sum / n;
		}
		Arrays.sort(means);
		return new RatioStatistics(n, spread[1], spread[0], spread[2], mean, means[RESAMPLES / 40],
				means[RESAMPLES - 1 - RESAMPLES / 40]);
	}

	/** {@code median [min–max]}. */
	String medianAndSpread() {
		return String.format(Locale.ROOT, "%.3f [%.3f–%.3f]", this.median, this.min, this.max);
	}

	/** {@code mean m, 95 % CI low–high}. */
	String meanAndInterval() {
		return (this.rounds < 2) ? "one round"
				: String.format(Locale.ROOT, "mean %.3f, 95%% CI %.3f–%.3f", this.mean, this.low, this.high);
	}

}
