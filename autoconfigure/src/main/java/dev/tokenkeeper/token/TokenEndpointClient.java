package dev.tokenkeeper.token;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpResponse;

import dev.tokenkeeper.dpop.DpopProofs;
import dev.tokenkeeper.observation.DefaultTokenRequestObservationConvention;
import dev.tokenkeeper.observation.TokenKeeperObservationDocumentation;
import dev.tokenkeeper.observation.TokenRequestObservationContext;
import dev.tokenkeeper.observation.TokenRequestObservationConvention;

/**
 * Sends one client-credentials token request and reads the answer. Talks to a
 * {@link ClientHttpConnector} directly, on raw bytes: no {@code WebClient} (its filters would
 * wrap this call), no codecs (they log what they read and write). The connector is built by
 * the caller without redirects and with timeouts; the response body is capped.
 * <p>
 * Every attempt is observed as {@code tokenkeeper.token.requests} (see
 * {@link TokenKeeperObservationDocumentation}): a retry subscribes again and gets an
 * observation of its own.
 *
 * @author TokenKeeper
 */
public final class TokenEndpointClient {

	private static final Log logger = LogFactory.getLog(TokenEndpointClient.class);

	private static final byte[] EMPTY = new byte[0];

	private final ClientHttpConnector connector;

	private final Clock clock;

	private final int maxResponseBytes;

	private final Duration responseTimeout;

	private final TokenResponseReader reader;

	private final ObservationRegistry observationRegistry;

	private final @Nullable TokenRequestObservationConvention observationConvention;

	/**
	 * Create a client that observes nothing.
	 * @param connector a connector that follows no redirects and has timeouts
	 * @param clock the clock lifetimes count from
	 * @param maxResponseBytes the largest response body accepted
	 * @param responseTimeout the longest wait for a whole response
	 * @param maxRetryAfter the longest {@code Retry-After} honoured
	 */
	public TokenEndpointClient(ClientHttpConnector connector, Clock clock, int maxResponseBytes,
			Duration responseTimeout, Duration maxRetryAfter) {
		this(connector, clock, maxResponseBytes, responseTimeout, maxRetryAfter, ObservationRegistry.NOOP, null);
	}

	/**
	 * Create a client.
	 * @param connector a connector that follows no redirects and has timeouts
	 * @param clock the clock lifetimes count from
	 * @param maxResponseBytes the largest response body accepted
	 * @param responseTimeout the longest wait for a whole response
	 * @param maxRetryAfter the longest {@code Retry-After} honoured
	 * @param observationRegistry where attempts are observed
	 * @param observationConvention a convention replacing the default, or {@code null}
	 */
	public TokenEndpointClient(ClientHttpConnector connector, Clock clock, int maxResponseBytes,
			Duration responseTimeout, Duration maxRetryAfter, ObservationRegistry observationRegistry,
			@Nullable TokenRequestObservationConvention observationConvention) {
		this(connector, clock, maxResponseBytes, responseTimeout, new TokenResponseReader(clock, maxRetryAfter),
				observationRegistry, observationConvention);
	}

	private TokenEndpointClient(ClientHttpConnector connector, Clock clock, int maxResponseBytes,
			Duration responseTimeout, TokenResponseReader reader, ObservationRegistry observationRegistry,
			@Nullable TokenRequestObservationConvention observationConvention) {
		this.connector = connector;
		this.clock = clock;
		this.maxResponseBytes = maxResponseBytes;
		this.responseTimeout = responseTimeout;
		this.reader = reader;
		this.observationRegistry = observationRegistry;
		this.observationConvention = observationConvention;
	}

	/**
	 * A client like this one that sends its requests through another connector, such as one
	 * with a registration's own SSL bundle or proxy.
	 * @param connector a connector that follows no redirects and has timeouts
	 * @return the client
	 */
	public TokenEndpointClient withConnector(ClientHttpConnector connector) {
		return new TokenEndpointClient(connector, this.clock, this.maxResponseBytes, this.responseTimeout, this.reader,
				this.observationRegistry, this.observationConvention);
	}

	/**
	 * One HTTP attempt at the token endpoint.
	 * @param credentials what to request
	 * @param defaultLifetime the lifetime when the response does not tell
	 * @return the token, or an error that is always a {@link TokenEndpointException}
	 */
	public Mono<IssuedToken> requestToken(ClientCredentials credentials, Duration defaultLifetime) {
		return requestToken(credentials, defaultLifetime, () -> {
		});
	}

	/**
	 * One HTTP attempt at the token endpoint, and for a DPoP registration whose proof lacked the
	 * server's current nonce ({@code 400 use_dpop_nonce} with {@code DPoP-Nonce}) one more with
	 * it: a nonce is part of the protocol, not a failed request, so it never reaches retries or
	 * cool-downs. A second nonce answer is an error. Each attempt is observed on its own.
	 * @param credentials what to request
	 * @param defaultLifetime the lifetime when the response does not tell
	 * @param nonceRetried told when a nonce retry is sent
	 * @return the token, or an error that is always a {@link TokenEndpointException}
	 */
	public Mono<IssuedToken> requestToken(ClientCredentials credentials, Duration defaultLifetime,
			Runnable nonceRetried) {
		Mono<IssuedToken> attempt = attempt(credentials, defaultLifetime);
		if (credentials.dpop() == null) {
			return attempt;
		}
		return attempt.onErrorResume(TokenEndpointClient::isNonceChallenge, (challenge) -> {
			nonceRetried.run();
			return attempt(credentials, defaultLifetime).onErrorMap(TokenEndpointClient::isNonceChallenge,
					(again) -> new TokenEndpointException(credentials.registrationId(), TokenRequestOutcome.CLIENT_ERROR,
							((TokenEndpointException) again).getStatus(), DpopProofs.USE_DPOP_NONCE,
							"the token endpoint asked for a new DPoP nonce again after a retry with the one it sent; "
									+ "not retried further",
							null, again));
		});
	}

	private static boolean isNonceChallenge(Throwable ex) {
		return ex instanceof TokenEndpointException failure && failure.getStatus() == 400
				&& DpopProofs.USE_DPOP_NONCE.equals(failure.getError().getErrorCode());
	}

	private Mono<IssuedToken> attempt(ClientCredentials credentials, Duration defaultLifetime) {
		TokenRequest request = TokenRequest.of(credentials);
		return Mono.deferContextual((reactorContext) -> {
			TokenRequestObservationContext context = new TokenRequestObservationContext(credentials.registrationId(),
					reactorContext.getOrDefault(TokenRequestObservationContext.CLIENT_TAG_KEY,
							credentials.registrationId()),
					credentials.tokenUri());
			Observation observation = TokenKeeperObservationDocumentation.TOKEN_REQUESTS
				.observation(this.observationConvention, DefaultTokenRequestObservationConvention.INSTANCE,
						() -> context, this.observationRegistry)
				.parentObservation(reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
				.start();
			ObservedAttempt attempt = new ObservedAttempt(observation, context);
			// Ended before the result goes downstream, so whoever sees it sees the meters too.
			return exchange(credentials, request, defaultLifetime, context)
				.doOnSuccess((token) -> attempt.end(TokenRequestOutcome.SUCCESS, null))
				.doOnError((ex) -> attempt.end((ex instanceof TokenEndpointException failure) ? failure.getOutcome()
						: TokenRequestOutcome.IO_ERROR, ex))
				// A cancelled attempt got no response to count. Operators such as retryWhen
				// also cancel after an error: then the attempt has already ended.
				.doOnCancel(() -> attempt.end(TokenRequestOutcome.IO_ERROR, null))
				.contextWrite((reactor) -> reactor.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

	private Mono<IssuedToken> exchange(ClientCredentials credentials, TokenRequest request, Duration defaultLifetime,
			TokenRequestObservationContext context) {
		return this.connector.connect(HttpMethod.POST, request.uri(), (httpRequest) -> {
			HttpHeaders headers = httpRequest.getHeaders();
			headers.set(HttpHeaders.ACCEPT, "application/json");
			headers.set(HttpHeaders.CONTENT_TYPE, request.contentType());
			headers.setContentLength(request.body().length);
			if (request.authorization() != null) {
				headers.set(HttpHeaders.AUTHORIZATION, request.authorization());
			}
			if (request.dpopProof() != null) {
				headers.set(DpopProofs.HEADER, request.dpopProof());
			}
			return httpRequest.writeWith(Mono.fromSupplier(() -> httpRequest.bufferFactory().wrap(request.body())));
		})
			.flatMap((response) -> read(credentials, response, defaultLifetime, context))
			.timeout(this.responseTimeout)
			.onErrorMap((ex) -> !(ex instanceof TokenEndpointException), (ex) -> failure(credentials, ex))
			.doOnNext((token) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Registration '" + credentials.registrationId() + "' got token "
							+ TokenFingerprint.of(token.value()) + " valid for " + token.lifetime() + " ("
							+ token.lifetimeSource() + ")");
				}
			});
	}

	private Mono<IssuedToken> read(ClientCredentials credentials, ClientHttpResponse response,
			Duration defaultLifetime, TokenRequestObservationContext context) {
		HttpHeaders headers = response.getHeaders();
		int status = response.getStatusCode().value();
		context.setStatus(status);
		if (credentials.dpop() != null) {
			// any answer may carry the server's next nonce (RFC 9449 section 8)
			credentials.dpop().nonce(credentials.tokenUri(), headers.getFirst(DpopProofs.NONCE_HEADER));
		}
		return DataBufferUtils.join(response.getBody(), this.maxResponseBytes)
			.map(TokenEndpointClient::bytes)
			.defaultIfEmpty(EMPTY)
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge(credentials, status))
			.map((body) -> this.reader.read(credentials, status, headers::getFirst, body, this.clock.instant(),
					defaultLifetime));
	}

	/**
	 * Read an issuer's metadata document (RFC 8414, OpenID Discovery, SMART configuration)
	 * over this client's transport: no redirects, the same timeouts and size cap.
	 * @param registrationId the registration it is read for
	 * @param uri the metadata document
	 * @return the document, or an error that is always a {@link TokenEndpointException}
	 */
	Mono<Metadata> metadata(String registrationId, URI uri) {
		String where = "issuer-uri discovery at " + TokenUris.display(uri);
		return this.connector.connect(HttpMethod.GET, uri, (httpRequest) -> {
			httpRequest.getHeaders().set(HttpHeaders.ACCEPT, "application/json");
			return httpRequest.setComplete();
		})
			.flatMap((response) -> {
				int status = response.getStatusCode().value();
				return DataBufferUtils.join(response.getBody(), this.maxResponseBytes)
					.map(TokenEndpointClient::bytes)
					.defaultIfEmpty(EMPTY)
					.onErrorMap(DataBufferLimitException.class,
							(ex) -> new TokenEndpointException(registrationId, TokenRequestOutcome.INVALID_RESPONSE,
									status, null, where + ": the response is larger than " + this.maxResponseBytes
											+ " bytes", null, null))
					.map((body) -> Metadata.read(registrationId, where, status, body));
			})
			.timeout(this.responseTimeout)
			.onErrorMap((ex) -> !(ex instanceof TokenEndpointException),
					(ex) -> new TokenEndpointException(registrationId, TokenRequestOutcome.IO_ERROR, 0, null,
							where + ": " + ((ex instanceof TimeoutException) ? "no response within " + this.responseTimeout
									: "no response: " + ex.getClass().getSimpleName()), null, ex));
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private TokenEndpointException tooLarge(ClientCredentials credentials, int status) {
		return new TokenEndpointException(credentials.registrationId(), TokenRequestOutcome.INVALID_RESPONSE, status,
				null, "the response is larger than " + this.maxResponseBytes + " bytes", null, null);
	}

	private TokenEndpointException failure(ClientCredentials credentials, Throwable ex) {
		String what = (ex instanceof TimeoutException) ? "no response within " + this.responseTimeout
				: "no response: " + ex.getClass().getSimpleName()
						+ ((ex.getMessage() != null) ? " (" + TokenResponseReader.redact(ex.getMessage(), credentials) + ")" : "");
		// the query or user-info of a token URI may hold a credential (an API key, say)
		return new TokenEndpointException(credentials.registrationId(), TokenRequestOutcome.IO_ERROR, 0, null,
				what + " from " + TokenUris.display(credentials.tokenUri()), null, ex);
	}

	/** An issuer's metadata document: a JSON object whose string members are read. */
	static final class Metadata {

		private static final JsonMapper JSON = JsonMapper.builder().build();

		private final JsonNode document;

		private Metadata(JsonNode document) {
			this.document = document;
		}

		static Metadata read(String registrationId, String where, int status, byte[] body) {
			if (status < 200 || status > 299) {
				// a redirect is not followed: the metadata must be at the issuer itself
				TokenRequestOutcome outcome = (status >= 500) ? TokenRequestOutcome.SERVER_ERROR
						: (status == 429) ? TokenRequestOutcome.RATE_LIMITED : TokenRequestOutcome.CLIENT_ERROR;
				throw new TokenEndpointException(registrationId, outcome, status, null,
						where + ": HTTP " + status + ((status >= 300 && status < 400) ? " (redirects are not followed)" : ""),
						null, null);
			}
			JsonNode document;
			try {
				document = JSON.readTree(body);
			}
			catch (RuntimeException ex) {
				document = null;
			}
			if (document == null || !document.isObject()) {
				// the body is never quoted: only what it is not
				throw new TokenEndpointException(registrationId, TokenRequestOutcome.INVALID_RESPONSE, status, null,
						where + ": the response is not a JSON object (" + body.length + " bytes)", null, null);
			}
			return new Metadata(document);
		}

		@Nullable String text(String member) {
			JsonNode value = this.document.get(member);
			return (value != null && value.isString()) ? value.asString() : null;
		}

	}

	/** One observed attempt, ended once: by its result, its error or a cancel, whichever comes first. */
	private static final class ObservedAttempt {

		private final Observation observation;

		private final TokenRequestObservationContext context;

		private final AtomicBoolean ended = new AtomicBoolean();

		ObservedAttempt(Observation observation, TokenRequestObservationContext context) {
			this.observation = observation;
			this.context = context;
		}

		void end(TokenRequestOutcome outcome, @Nullable Throwable error) {
			if (this.ended.compareAndSet(false, true)) {
				if (error != null) {
					this.observation.error(error);
				}
				this.context.setOutcome(outcome);
				this.observation.stop();
			}
		}

	}

}
