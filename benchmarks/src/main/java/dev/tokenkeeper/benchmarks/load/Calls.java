package dev.tokenkeeper.benchmarks.load;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * API calls as an application makes them: GET, read the body, keep the status. A call that
 * fails without a response counts as status -1.
 */
final class Calls {

	private Calls() {
	}

	static Mono<Integer> call(WebClient client, String url) {
		return client.get()
			.uri(url)
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.then(Mono.just(response.statusCode().value())))
			.onErrorResume((ex) -> Mono.just(-1));
	}

	/**
	 * Fire {@code count} calls at once and wait for all.
	 * @return the statuses
	 */
	static List<Integer> concurrently(WebClient client, String url, int count) {
		return concurrently(client, url, count, () -> {
		});
	}

	/**
	 * Fire {@code count} calls at once, run {@code started} once all have started (each has
	 * looked up its token), and wait for all.
	 * @return the statuses
	 */
	static List<Integer> concurrently(WebClient client, String url, int count, Runnable started) {
		CompletableFuture<List<Integer>> statuses = Flux.range(0, count)
			.flatMap((i) -> call(client, url), count)
			.collectList()
			.toFuture();
		started.run();
		return statuses.join();
	}

	/** How many calls ended with each status. */
	static Map<Integer, Integer> byStatus(List<Integer> statuses) {
		Map<Integer, Integer> counts = new TreeMap<>();
		statuses.forEach((status) -> counts.merge(status, 1, Integer::sum));
		return counts;
	}

}
