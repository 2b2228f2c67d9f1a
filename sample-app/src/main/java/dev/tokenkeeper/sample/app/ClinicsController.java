package dev.tokenkeeper.sample.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;

import dev.tokenkeeper.sample.partners.Partners;
import dev.tokenkeeper.web.TokenKeeperAttributes;

/**
 * {@code GET /clinics?calls=100}: that many concurrent calls to the partner API, spread over
 * the clinics in the database, each naming its clinic with
 * {@link TokenKeeperAttributes#client(String)}; TokenKeeper looks a clinic up through
 * {@link ClinicSource} the first time, then serves its token from the cache. The report
 * says, per clinic, whom the API saw the tokens issued to, how many token requests the
 * partner's authorization server got and how many look-ups the source answered.
 */
@RestController
class ClinicsController {

	private static final int MAX_CALLS = 500;

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final JdbcClient jdbc;

	private final ClinicSource source;

	private final ObjectProvider<Partners> partners;

	ClinicsController(WebClient.Builder webClientBuilder, JdbcClient jdbc, ClinicSource source,
			ObjectProvider<Partners> partners) {
		this.webClient = webClientBuilder.build();
		this.jdbc = jdbc;
		this.source = source;
		this.partners = partners;
	}

	@GetMapping("/clinics")
	Mono<Map<String, Object>> clinics(@RequestParam(defaultValue = "100") int calls) {
		if (calls < 1 || calls > MAX_CALLS) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"calls must be between 1 and " + MAX_CALLS));
		}
		List<Clinic> clinics = this.jdbc.sql("select id, client_id, base_url from clinic_client order by id")
			.query((row, n) -> new Clinic(row.getString("id"), row.getString("client_id"), row.getString("base_url")))
			.list();
		if (clinics.isEmpty()) {
			return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "no clinics in the database"));
		}
		Map<String, Integer> before = tokenRequests(clinics);
		return Flux.range(0, calls)
			.flatMap((i) -> call(clinics.get(i % clinics.size())), calls)
			.collectList()
			.map((outcomes) -> report(clinics, outcomes, before));
	}

	private Mono<Outcome> call(Clinic clinic) {
		return this.webClient.get()
			.uri(clinic.baseUrl() + "/rooms")
			.attributes(TokenKeeperAttributes.client(clinic.id()))
			.retrieve()
			.bodyToMono(JSON)
			.map((body) -> new Outcome(clinic.id(), String.valueOf(body.get("client")), null))
			.onErrorResume((ex) -> Mono.just(new Outcome(clinic.id(), null, ex.getClass().getSimpleName())));
	}

	private Map<String, Object> report(List<Clinic> clinics, List<Outcome> outcomes, Map<String, Integer> before) {
		Map<String, Integer> after = tokenRequests(clinics);
		Map<String, Object> report = new LinkedHashMap<>();
		for (Clinic clinic : clinics) {
			List<Outcome> mine = outcomes.stream().filter((outcome) -> outcome.clinic().equals(clinic.id())).toList();
			Set<String> issuedTo = new TreeSet<>();
			Map<String, Integer> errors = new TreeMap<>();
			for (Outcome outcome : mine) {
				if (outcome.error() != null) {
					errors.merge(outcome.error(), 1, Integer::sum);
				}
				else {
					issuedTo.add(outcome.issuedTo());
				}
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("calls", mine.size());
			entry.put("succeeded", mine.size() - errors.values().stream().mapToInt(Integer::intValue).sum());
			entry.put("errors", errors.isEmpty() ? null : errors);
			entry.put("tokensIssuedTo", new ArrayList<>(issuedTo));
			entry.put("tokenRequests", (after.containsKey(clinic.id()))
					? after.get(clinic.id()) - before.getOrDefault(clinic.id(), 0) : null);
			entry.put("sourceLookups", this.source.lookups(clinic.id()));
			report.put(clinic.id(), entry);
		}
		return Map.of("calls", outcomes.size(), "clinics", report);
	}

	/** At the partner authorization server, when it runs here. */
	private Map<String, Integer> tokenRequests(List<Clinic> clinics) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		Partners partners = this.partners.getIfAvailable();
		if (partners != null) {
			clinics.forEach((clinic) -> counts.put(clinic.id(), partners.tokenRequests(clinic.clientId())));
		}
		return counts;
	}

	private record Clinic(String id, String clientId, String baseUrl) {
	}

	private record Outcome(String clinic, String issuedTo, String error) {
	}

}
