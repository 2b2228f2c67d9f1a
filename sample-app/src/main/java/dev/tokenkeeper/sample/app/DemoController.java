package dev.tokenkeeper.sample.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ResponseStatusException;

import dev.tokenkeeper.autoconfigure.TokenKeeperProperties;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenStatus;
import dev.tokenkeeper.sample.partners.Partners;

/**
 * {@code GET /demo?calls=500}: that many concurrent calls to the partner API through an
 * ordinary {@code WebClient} from Boot's builder (TokenKeeper's filter is on it, nothing
 * else is needed), and a report of what happened.
 */
@RestController
class DemoController implements DisposableBean {

	private final WebClient webClient;

	private final ConnectionProvider connections;

	private final DemoProperties demo;

	private final TokenKeeperProperties tokenKeeper;

	private final TokenCache tokens;

	private final ObjectProvider<Partners> partners;

	private final ObjectProvider<MeterRegistry> meters;

	private final Clock clock = Clock.systemUTC();

	DemoController(WebClient.Builder webClientBuilder, DemoProperties demo, TokenKeeperProperties tokenKeeper,
			TokenCache tokens, ObjectProvider<Partners> partners, ObjectProvider<MeterRegistry> meters) {
		// Reactor Netty's default pool holds 500 connections and queues 1,000 more; size it
		// for the demo's bursts. The builder is Boot's, so TokenKeeper's filter is already on it.
		this.connections = ConnectionProvider.builder("tokenkeeper-sample")
			.maxConnections(demo.maxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.build();
		this.webClient = webClientBuilder.clientConnector(new ReactorClientHttpConnector(HttpClient.create(this.connections)))
			.build();
		this.demo = demo;
		this.tokenKeeper = tokenKeeper;
		this.tokens = tokens;
		this.partners = partners;
		this.meters = meters;
	}

	@GetMapping("/demo")
	Mono<DemoReport> demo(@RequestParam(defaultValue = "500") int calls) {
		if (calls < 1 || calls > this.demo.maxCalls()) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"calls must be between 1 and " + this.demo.maxCalls()));
		}
		List<String> ids = new ArrayList<>(this.demo.targets().keySet());
		if (ids.isEmpty()) {
			return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"no sample.demo.targets configured"));
		}
		Map<String, Counts> before = counts(ids);
		long start = System.nanoTime();
		return Flux.range(0, calls)
			.flatMap((i) -> call(ids.get(i % ids.size())), calls)
			.collectList()
			.map((outcomes) -> report(ids, outcomes, before, Duration.ofNanos(System.nanoTime() - start)));
	}

	private Mono<Outcome> call(String id) {
		return this.webClient.get()
			.uri(this.demo.targets().get(id))
			.retrieve()
			.toBodilessEntity()
			.map((response) -> new Outcome(id, null))
			.onErrorResume((ex) -> Mono.just(new Outcome(id, describe(ex))));
	}

	/** Safe to show: TokenKeeper's messages never carry a secret or a token. */
	private static String describe(Throwable ex) {
		if (ex instanceof WebClientResponseException response) {
			return "HTTP " + response.getStatusCode().value() + " from the API";
		}
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	private DemoReport report(List<String> ids, List<Outcome> outcomes, Map<String, Counts> before, Duration elapsed) {
		Map<String, Counts> after = counts(ids);
		Map<String, DemoReport.Client> clients = new LinkedHashMap<>();
		for (String id : ids) {
			List<Outcome> mine = outcomes.stream().filter((outcome) -> outcome.id().equals(id)).toList();
			Map<String, Integer> errors = new TreeMap<>();
			mine.stream()
				.filter((outcome) -> outcome.error() != null)
				.forEach((outcome) -> errors.merge(outcome.error(), 1, Integer::sum));
			Counts now = after.get(id);
			Counts then = before.get(id);
			TokenKeeperProperties.Client client = this.tokenKeeper.getClients().get(id);
			int failed = errors.values().stream().mapToInt(Integer::intValue).sum();
			Map<String, Long> lookups = difference(now.lookups(), then.lookups());
			Long cacheHits = (lookups != null) ? lookups.getOrDefault("hit", 0L) : null;
			clients.put(id, new DemoReport.Client((client != null) ? client.getProfile().configName() : null,
					this.demo.targets().get(id), mine.size(), mine.size() - failed, errors.isEmpty() ? null : errors,
					difference(now.tokenRequests(), then.tokenRequests()), now.tokenRequests(), cacheHits, lookups,
					token(id)));
		}
		int succeeded = clients.values().stream().mapToInt(DemoReport.Client::succeeded).sum();
		return new DemoReport(outcomes.size(), succeeded, outcomes.size() - succeeded, elapsed.toMillis(), clients);
	}

	private DemoReport.Token token(String id) {
		TokenStatus status = this.tokens.status(id);
		if (status == null) {
			return null;
		}
		Instant expiresAt = status.expiresAt();
		Long expiresIn = (expiresAt != null) ? Duration.between(this.clock.instant(), expiresAt).toSeconds() : null;
		String lastError = (status.lastError() != null) ? status.lastError().message() : null;
		return new DemoReport.Token(status.state().name(), expiresAt, expiresIn, status.lastRefresh(), lastError);
	}

	private Map<String, Counts> counts(List<String> ids) {
		Map<String, Counts> counts = new LinkedHashMap<>();
		ids.forEach((id) -> counts.put(id, new Counts(tokenRequests(id), lookups(id))));
		return counts;
	}

	/** At the partner authorization server when it runs here, else from TokenKeeper's metrics. */
	private Integer tokenRequests(String id) {
		Partners partners = this.partners.getIfAvailable();
		TokenKeeperProperties.Client client = this.tokenKeeper.getClients().get(id);
		if (partners != null && client != null) {
			return partners.tokenRequests(client.getClientId());
		}
		MeterRegistry registry = this.meters.getIfAvailable();
		if (registry == null) {
			return null;
		}
		List<Timer> timers = new ArrayList<>(registry.find("tokenkeeper.token.requests").tag("client", id).timers());
		return timers.isEmpty() ? null : (int) timers.stream().mapToLong(Timer::count).sum();
	}

	/** {@code tokenkeeper.token.lookups} by {@code result}, or {@code null} without the metric. */
	private Map<String, Long> lookups(String id) {
		MeterRegistry registry = this.meters.getIfAvailable();
		if (registry == null) {
			return null;
		}
		Map<String, Long> lookups = new TreeMap<>();
		for (Counter counter : registry.find("tokenkeeper.token.lookups").tag("client", id).counters()) {
			String result = counter.getId().getTag("result");
			if (result != null) {
				lookups.merge(result, (long) counter.count(), Long::sum);
			}
		}
		return lookups.isEmpty() ? null : lookups;
	}

	private static Integer difference(Integer now, Integer then) {
		return (now != null) ? now - ((then != null) ? then : 0) : null;
	}

	private static Map<String, Long> difference(Map<String, Long> now, Map<String, Long> then) {
		if (now == null) {
			return null;
		}
		Map<String, Long> difference = new TreeMap<>();
		now.forEach((result, count) -> {
			long during = count - ((then != null) ? then.getOrDefault(result, 0L) : 0L);
			if (during > 0) {
				difference.put(result, during);
			}
		});
		return difference;
	}

	@Override
	public void destroy() {
		this.connections.dispose();
	}

	private record Outcome(String id, String error) {
	}

	private record Counts(Integer tokenRequests, Map<String, Long> lookups) {
	}

}
